"""R keras example scripts, translated by the README's rules only, run on tiny Keras-format data.

Each test quotes the R code it translates (from the R keras documentation and examples:
MNIST MLP and CNN, IMDB LSTM, Reuters MLP, the functional API with two inputs, a custom
callback) and checks what the R script would print or use. Rules: ``%>%``/``|>`` -> ``|``,
``<-`` -> ``=``, ``c(...)``/``list(...)`` -> tuple/list/dict, ``$`` -> ``.``, ``TRUE`` ->
``True``, R base functions -> NumPy (``nrow(x)`` -> ``x.shape[0]``), ``[[i]]`` -> ``[i - 1]``.
"""
import os
import shutil

import numpy as np
import pytest

import pipeseq as R

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "data", "keras_home")


@pytest.fixture(autouse=True)
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    shutil.copytree(FIX, home)
    monkeypatch.setenv("KERAS_HOME", str(home))
    R.set_random_seed(1)


def test_mnist_mlp():
    # mnist <- dataset_mnist()
    # x_train <- mnist$train$x; y_train <- mnist$train$y
    # x_test <- mnist$test$x; y_test <- mnist$test$y
    # x_train <- array_reshape(x_train, c(nrow(x_train), 784))
    # x_test <- array_reshape(x_test, c(nrow(x_test), 784))
    # x_train <- x_train / 255; x_test <- x_test / 255
    # y_train <- to_categorical(y_train, 10); y_test <- to_categorical(y_test, 10)
    mnist = R.dataset_mnist()
    x_train = mnist.train.x; y_train = mnist.train.y
    x_test = mnist.test.x; y_test = mnist.test.y
    x_train = R.array_reshape(x_train, (x_train.shape[0], 784))
    x_test = R.array_reshape(x_test, (x_test.shape[0], 784))
    x_train = x_train / 255; x_test = x_test / 255
    y_train = R.to_categorical(y_train, 10); y_test = R.to_categorical(y_test, 10)
    # model <- keras_model_sequential()
    # model %>%
    #   layer_dense(units = 256, activation = 'relu', input_shape = c(784)) %>%
    #   layer_dropout(rate = 0.4) %>%
    #   layer_dense(units = 128, activation = 'relu') %>%
    #   layer_dropout(rate = 0.3) %>%
    #   layer_dense(units = 10, activation = 'softmax')
    model = R.keras_model_sequential()
    model | R.layer_dense(units=256, activation="relu", input_shape=(784,)) \
        | R.layer_dropout(rate=0.4) \
        | R.layer_dense(units=128, activation="relu") \
        | R.layer_dropout(rate=0.3) \
        | R.layer_dense(units=10, activation="softmax")
    # model %>% compile(loss = 'categorical_crossentropy', optimizer = optimizer_rmsprop(),
    #                   metrics = c('accuracy'))
    model | R.compile(loss="categorical_crossentropy", optimizer=R.optimizer_rmsprop(),
                      metrics=("accuracy",))
    # history <- model %>% fit(x_train, y_train, epochs = 2, batch_size = 128,
    #                          validation_split = 0.2)
    history = model | R.fit(x_train, y_train, epochs=2, batch_size=128, validation_split=0.2,
                            verbose=0)
    assert history.params["epochs"] == 2
    assert set(history.metrics) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    # model %>% evaluate(x_test, y_test)
    scores = model | R.evaluate(x_test, y_test, verbose=0)
    assert scores.names() == ["loss", "accuracy"] and scores.loss == scores[0]
    # model %>% predict(x_test) %>% k_argmax()
    classes = model | R.predict(x_test, verbose=0) | R.k_argmax()
    assert classes.shape == (x_test.shape[0],)


def test_mnist_cnn_positional_scores():
    # img_rows <- 28; img_cols <- 28
    # c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()
    # x_train <- array_reshape(x_train, c(nrow(x_train), img_rows, img_cols, 1))
    # input_shape <- c(img_rows, img_cols, 1)
    # x_train <- x_train / 255
    # y_train <- to_categorical(y_train, 10)
    img_rows = 28; img_cols = 28
    (x_train, y_train), (x_test, y_test) = R.dataset_mnist()
    x_train = R.array_reshape(x_train, (x_train.shape[0], img_rows, img_cols, 1))
    x_test = R.array_reshape(x_test, (x_test.shape[0], img_rows, img_cols, 1))
    input_shape = (img_rows, img_cols, 1)
    x_train = x_train / 255; x_test = x_test / 255
    y_train = R.to_categorical(y_train, 10); y_test = R.to_categorical(y_test, 10)
    # model <- keras_model_sequential() %>%
    #   layer_conv_2d(filters = 8, kernel_size = c(3,3), activation = 'relu',
    #                 input_shape = input_shape) %>%
    #   layer_max_pooling_2d(pool_size = c(2, 2)) %>%
    #   layer_dropout(rate = 0.25) %>%
    #   layer_flatten() %>%
    #   layer_dense(units = 10, activation = 'softmax')
    model = R.keras_model_sequential() \
        | R.layer_conv_2d(filters=8, kernel_size=(3, 3), activation="relu",
                          input_shape=input_shape) \
        | R.layer_max_pooling_2d(pool_size=(2, 2)) \
        | R.layer_dropout(rate=0.25) \
        | R.layer_flatten() \
        | R.layer_dense(units=10, activation="softmax")
    # model %>% compile(loss = loss_categorical_crossentropy, optimizer = optimizer_adadelta(),
    #                   metrics = c('accuracy'))
    model | R.compile(loss=R.loss_categorical_crossentropy, optimizer=R.optimizer_adadelta(),
                      metrics=("accuracy",))
    model | R.fit(x_train, y_train, batch_size=4, epochs=1, verbose=0,
                  validation_data=[x_test, y_test])
    # scores <- model %>% evaluate(x_test, y_test, verbose = 0)
    # cat('Test loss:', scores[[1]], '\n'); cat('Test accuracy:', scores[[2]], '\n')
    scores = model | R.evaluate(x_test, y_test, verbose=0)
    assert scores[1 - 1] == scores["loss"] and scores[2 - 1] == scores["accuracy"]


def test_imdb_lstm_with_destructuring_and_pad_sequences():
    # max_features <- 20; maxlen <- 8; batch_size <- 4
    # imdb <- dataset_imdb(num_words = max_features)
    # c(c(x_train, y_train), c(x_test, y_test)) %<-% imdb
    # x_train <- pad_sequences(x_train, maxlen = maxlen)
    # x_test <- pad_sequences(x_test, maxlen = maxlen)
    max_features = 20; maxlen = 8; batch_size = 4
    imdb = R.dataset_imdb(num_words=max_features)
    (x_train, y_train), (x_test, y_test) = imdb
    x_train = R.pad_sequences(x_train, maxlen=maxlen)
    x_test = R.pad_sequences(x_test, maxlen=maxlen)
    assert x_train.shape == (len(imdb.train.x), maxlen)
    # model <- keras_model_sequential()
    # model %>%
    #   layer_embedding(input_dim = max_features, output_dim = 8) %>%
    #   layer_lstm(units = 4, dropout = 0.2, recurrent_dropout = 0.2) %>%
    #   layer_dense(units = 1, activation = 'sigmoid')
    model = R.keras_model_sequential()
    model | R.layer_embedding(input_dim=max_features, output_dim=8) \
        | R.layer_lstm(units=4, dropout=0.2, recurrent_dropout=0.2) \
        | R.layer_dense(units=1, activation="sigmoid")
    # model %>% compile(loss = 'binary_crossentropy', optimizer = 'adam', metrics = c('accuracy'))
    # model %>% fit(x_train, y_train, batch_size = batch_size, epochs = 2,
    #               validation_data = list(x_test, y_test))
    model | R.compile(loss="binary_crossentropy", optimizer="adam", metrics=("accuracy",))
    history = model | R.fit(x_train, y_train, batch_size=batch_size, epochs=2,
                            validation_data=[x_test, y_test], verbose=0)
    assert len(history.metrics["val_loss"]) == 2
    # scores <- model %>% evaluate(x_test, y_test, batch_size = batch_size)
    # cat('Test score:', scores[[1]]); cat('Test accuracy', scores[[2]])
    score, acc = model | R.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
    assert 0 <= acc <= 1 and score > 0


def test_reuters_mlp_with_the_tokenizer():
    # max_words <- 30
    # reuters <- dataset_reuters(num_words = max_words, test_split = 0.2)
    # c(c(x_train, y_train), c(x_test, y_test)) %<-% reuters
    # num_classes <- max(y_train) + 1
    # tokenizer <- text_tokenizer(num_words = max_words)
    # x_train <- sequences_to_matrix(tokenizer, x_train, mode = 'binary')
    # y_train <- to_categorical(y_train, num_classes)
    max_words = 30
    reuters = R.dataset_reuters(num_words=max_words, test_split=0.2)
    (x_train, y_train), (x_test, y_test) = reuters
    num_classes = int(max(np.max(y_train), np.max(y_test))) + 1
    tokenizer = R.text_tokenizer(num_words=max_words)
    x_train = R.sequences_to_matrix(tokenizer, x_train, mode="binary")
    x_test = R.sequences_to_matrix(tokenizer, x_test, mode="binary")
    assert x_train.shape[1] == max_words and set(np.unique(x_train)) <= {0.0, 1.0}
    y_train = R.to_categorical(y_train, num_classes)
    y_test = R.to_categorical(y_test, num_classes)
    # model <- keras_model_sequential()
    # model %>% layer_dense(units = 16, input_shape = c(max_words)) %>%
    #   layer_activation(activation = 'relu') %>% layer_dropout(rate = 0.5) %>%
    #   layer_dense(units = num_classes) %>% layer_activation(activation = 'softmax')
    model = R.keras_model_sequential()
    model | R.layer_dense(units=16, input_shape=(max_words,)) \
        | R.layer_activation(activation="relu") | R.layer_dropout(rate=0.5) \
        | R.layer_dense(units=num_classes) | R.layer_activation(activation="softmax")
    model | R.compile(loss="categorical_crossentropy", optimizer="adam", metrics=("accuracy",))
    # history <- model %>% fit(x_train, y_train, batch_size = 4, epochs = 2, verbose = 1,
    #                          validation_split = 0.1)
    history = model | R.fit(x_train, y_train, batch_size=4, epochs=2, verbose=0,
                            validation_split=0.1)
    assert history.params["epochs"] == 2
    scores = model | R.evaluate(x_test, y_test, batch_size=4, verbose=0)
    assert scores.names() == ["loss", "accuracy"]


def test_functional_api_two_inputs_two_outputs():
    # main_input <- layer_input(shape = c(10), dtype = 'int32', name = 'main_input')
    # lstm_out <- main_input %>%
    #   layer_embedding(input_dim = 50, output_dim = 8) %>% layer_lstm(units = 4)
    # auxiliary_output <- lstm_out %>%
    #   layer_dense(units = 1, activation = 'sigmoid', name = 'aux_output')
    # auxiliary_input <- layer_input(shape = c(5), name = 'aux_input')
    # main_output <- layer_concatenate(c(lstm_out, auxiliary_input)) %>%
    #   layer_dense(units = 8, activation = 'relu') %>%
    #   layer_dense(units = 1, activation = 'sigmoid', name = 'main_output')
    main_input = R.layer_input(shape=(10,), dtype="int32", name="main_input")
    lstm_out = main_input | R.layer_embedding(input_dim=50, output_dim=8) | R.layer_lstm(units=4)
    auxiliary_output = lstm_out | R.layer_dense(units=1, activation="sigmoid", name="aux_output")
    auxiliary_input = R.layer_input(shape=(5,), name="aux_input")
    main_output = R.layer_concatenate((lstm_out, auxiliary_input)) \
        | R.layer_dense(units=8, activation="relu") \
        | R.layer_dense(units=1, activation="sigmoid", name="main_output")
    # model <- keras_model(inputs = c(main_input, auxiliary_input),
    #                      outputs = c(main_output, auxiliary_output))
    # model %>% compile(optimizer = 'rmsprop', loss = 'binary_crossentropy',
    #                   loss_weights = c(1.0, 0.2))
    model = R.keras_model(inputs=(main_input, auxiliary_input),
                          outputs=(main_output, auxiliary_output))
    model | R.compile(optimizer="rmsprop", loss="binary_crossentropy", loss_weights=(1.0, 0.2))
    rng = np.random.default_rng(0)
    headline_data = rng.integers(1, 50, size=(16, 10))
    additional_data = rng.normal(size=(16, 5))
    labels = rng.integers(0, 2, size=(16, 1)).astype("float32")
    # model %>% fit(x = list(headline_data, additional_data), y = list(labels, labels),
    #               epochs = 2, batch_size = 8)
    history = model | R.fit(x=[headline_data, additional_data], y=[labels, labels], epochs=2,
                            batch_size=8, verbose=0)
    assert len(history.metrics["loss"]) == 2
    # the same with names:
    # model %>% compile(optimizer = 'rmsprop',
    #   loss = list(main_output = 'binary_crossentropy', aux_output = 'binary_crossentropy'),
    #   loss_weights = list(main_output = 1.0, aux_output = 0.2))
    # model %>% fit(x = list(main_input = headline_data, aux_input = additional_data),
    #               y = list(main_output = labels, aux_output = labels), epochs = 2, batch_size = 8)
    model | R.compile(optimizer="rmsprop",
                      loss=dict(main_output="binary_crossentropy", aux_output="binary_crossentropy"),
                      loss_weights=dict(main_output=1.0, aux_output=0.2))
    history = model | R.fit(x=dict(main_input=headline_data, aux_input=additional_data),
                            y=dict(main_output=labels, aux_output=labels), epochs=2, batch_size=8,
                            verbose=0)
    assert {"main_output_loss", "aux_output_loss"} <= set(history.metrics)


def test_custom_callback_records_batch_losses():
    # losses <- c()
    # history_cb <- callback_lambda(on_batch_end = function(batch, logs) {
    #   losses <<- c(losses, logs[["loss"]])
    # })
    # model %>% fit(x, y, batch_size = 4, epochs = 2, callbacks = history_cb)
    losses = []
    history_cb = R.callback_lambda(on_batch_end=lambda batch, logs: losses.append(logs["loss"]))
    model = R.keras_model_sequential(input_shape=3) | R.layer_dense(units=1)
    model | R.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3)), np.zeros((8, 1))
    model | R.fit(x, y, batch_size=4, epochs=2, callbacks=history_cb, verbose=0)
    assert len(losses) == 4


def test_keras3_model_class_and_custom_callback_class():
    # MyModel <- Model(
    #   classname = "MyModel",
    #   initialize = function(hidden_units, ...) {
    #     super$initialize(...)
    #     self$dense1 <- layer_dense(units = hidden_units, activation = "relu")
    #     self$dense2 <- layer_dense(units = 1)
    #   },
    #   call = function(inputs) inputs |> self$dense1() |> self$dense2()
    # )
    # LossHistory <- Callback("LossHistory",
    #   on_train_begin = function(logs) self$losses <- c(),
    #   on_batch_end = function(batch, logs) self$losses <- c(self$losses, logs$loss))
    # model <- MyModel(8); history_cb <- LossHistory()
    # model |> compile(optimizer = "adam", loss = "mse")
    # model |> fit(x, y, batch_size = 4, epochs = 2, callbacks = history_cb)
    def initialize(self, hidden_units, **kwargs):
        self.dense1 = R.layer_dense(units=hidden_units, activation="relu")
        self.dense2 = R.layer_dense(units=1)

    def call(self, inputs):
        return inputs | self.dense1() | self.dense2()

    def on_train_begin(self, logs=None):
        self.losses = []

    def on_batch_end(self, batch, logs=None):
        self.losses.append(logs["loss"])

    MyModel = R.new_model_class("MyModel", initialize=initialize, call=call)
    LossHistory = R.Callback("LossHistory", on_train_begin=on_train_begin,
                             on_batch_end=on_batch_end)
    model = MyModel(8, name="my_model")
    history_cb = LossHistory()
    model | R.compile(optimizer="adam", loss="mse")
    x, y = np.random.default_rng(0).normal(size=(16, 3)), np.zeros((16, 1))
    model | R.fit(x, y, batch_size=4, epochs=2, callbacks=history_cb, verbose=0)
    assert model.name == "my_model" and len(history_cb.losses) == 8
    assert model.predict(x, verbose=0).shape == (16, 1)


def test_character_level_text_generation():
    # text <- "the quick brown fox jumps over the lazy dog. the dog sleeps."
    # chars <- sort(unique(strsplit(text, "")[[1]]))
    # maxlen <- 6; step <- 2
    # sentences <- c(); next_chars <- c()
    # for (i in seq(1, nchar(text) - maxlen, by = step)) {
    #   sentences <- c(sentences, substr(text, i, i + maxlen - 1))
    #   next_chars <- c(next_chars, substr(text, i + maxlen, i + maxlen))
    # }
    # x <- array(0, dim = c(length(sentences), maxlen, length(chars)))
    # y <- array(0, dim = c(length(sentences), length(chars)))
    # (one-hot filling loops)
    text = "the quick brown fox jumps over the lazy dog. the dog sleeps."
    chars = sorted(set(text))
    maxlen = 6; step = 2
    sentences = [text[i:i + maxlen] for i in range(0, len(text) - maxlen, step)]
    next_chars = [text[i + maxlen] for i in range(0, len(text) - maxlen, step)]
    x = np.zeros((len(sentences), maxlen, len(chars)), dtype="float32")
    y = np.zeros((len(sentences), len(chars)), dtype="float32")
    for i, sentence in enumerate(sentences):
        for t, char in enumerate(sentence):
            x[i, t, chars.index(char)] = 1
        y[i, chars.index(next_chars[i])] = 1
    # model <- keras_model_sequential() %>%
    #   layer_lstm(16, input_shape = c(maxlen, length(chars))) %>%
    #   layer_dense(length(chars)) %>%
    #   layer_activation("softmax")
    # model %>% compile(loss = "categorical_crossentropy",
    #                   optimizer = optimizer_rmsprop(learning_rate = 0.01))
    # model %>% fit(x, y, batch_size = 8, epochs = 3)
    model = R.keras_model_sequential() \
        | R.layer_lstm(16, input_shape=(maxlen, len(chars))) \
        | R.layer_dense(len(chars)) \
        | R.layer_activation("softmax")
    model | R.compile(loss="categorical_crossentropy",
                      optimizer=R.optimizer_rmsprop(learning_rate=0.01))
    history = model | R.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert history.metrics["loss"][-1] < history.metrics["loss"][0]
    # sample_mod <- function(preds, temperature = 1) {
    #   preds <- log(preds) / temperature
    #   exp_preds <- exp(preds); preds <- exp_preds / sum(exp(preds))
    #   rmultinom(1, 1, preds) %>% as.integer() %>% which.max()
    # }
    # generated <- substr(text, 1, maxlen)
    # for (i in 1:20) {
    #   x_pred <- (one-hot of the last maxlen characters)
    #   preds <- model %>% predict(x_pred)
    #   next_char <- chars[sample_mod(preds, 0.5)]
    #   generated <- paste0(generated, next_char)
    # }
    rng = np.random.default_rng(0)

    def sample_mod(preds, temperature=1.0):
        preds = np.log(preds) / temperature
        exp_preds = np.exp(preds); preds = exp_preds / np.sum(np.exp(preds))
        return int(np.argmax(rng.multinomial(1, preds)))

    generated = text[:maxlen]
    for _ in range(20):
        x_pred = np.zeros((1, maxlen, len(chars)), dtype="float32")
        for t, char in enumerate(generated[-maxlen:]):
            x_pred[0, t, chars.index(char)] = 1
        preds = model | R.predict(x_pred, verbose=0)
        generated += chars[sample_mod(preds[0].astype("float64"), 0.5)]
    assert len(generated) == maxlen + 20 and set(generated) <= set(chars)
