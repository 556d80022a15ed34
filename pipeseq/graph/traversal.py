"""Walking a symbolic graph: the nodes between some inputs and outputs, in run order.

Example
-------
>>> from pipeseq.layers import Dense, Input
>>> x = Input((3,))
>>> nodes, layers = map_graph([x], [Dense(2, name="d")(x)])
>>> [n.layer.name for n in nodes], len(layers)
(['d'], 2)
"""


def map_graph(inputs, outputs):
    """Keras's ``map_graph``: the nodes between ``inputs`` and ``outputs`` in run order,
    and the layers in Keras's order (by decreasing depth, then discovery order).

    Raises a clear ``ValueError`` on a cycle or when an output depends on a tensor that is
    not among ``inputs`` (a disconnected graph).
    """
    input_ids = {id(t) for t in inputs}
    finished, in_progress = set(), set()
    ordered = []            # nodes in decreasing depth (DFS post-order)
    layer_index = {}

    def visit(tensor, path):
        node = tensor.node
        if node is None:
            raise ValueError(f"Tensor {tensor!r} was not produced by Input() or a layer call.")
        if id(node) in finished:
            return
        if id(node) in in_progress:
            cycle = " -> ".join(n.layer.name for n in path + [node])
            raise ValueError(f"Tensor {tensor!r} from layer '{node.layer.name}' is part of a "
                             f"cycle: {cycle}. A functional model must be a directed acyclic graph.")
        if id(node.layer) not in layer_index:
            layer_index[id(node.layer)] = (len(layer_index), node.layer)
        in_progress.add(id(node))
        if id(tensor) not in input_ids:
            if node.is_input:
                raise ValueError(
                    f"Graph disconnected: the model's outputs depend on input "
                    f"'{node.layer.name}' (tensor {tensor!r}), which is not among the model's "
                    f"inputs {[t.layer.name if t.layer is not None else t.name for t in inputs]}. "
                    "Pass it in `inputs`, or build the outputs from the given inputs.")
            for t in node.input_tensors:
                visit(t, path + [node])
        in_progress.discard(id(node))
        finished.add(id(node))
        ordered.append((node, tensor))

    for out in outputs:
        visit(out, [])
    # depths, as Keras: outputs' nodes at depth 0, parents deeper
    node_depth, layer_depth = {}, {}
    nodes = {}
    for node, _ in reversed(ordered):
        nodes[id(node)] = node
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        if not node.is_input:
            for t in node.input_tensors:
                pid = id(t.node)
                node_depth[pid] = max(depth + 1, node_depth.get(pid, 0))
    for t in inputs:                      # inputs no output uses: depth 0, listed first
        if id(t.node.layer) not in layer_depth:
            layer_depth[id(t.node.layer)] = 0
            layer_index[id(t.node.layer)] = (-1, t.node.layer)
    run_nodes = sorted((n for n, _ in ordered if not n.is_input),
                       key=lambda n: (-node_depth[id(n)], n.id))
    by_depth = {}
    for lid, (idx, layer) in layer_index.items():
        by_depth.setdefault(layer_depth.get(lid, 0), []).append((idx, layer))
    layers = [layer for d in sorted(by_depth, reverse=True) for _, layer in sorted(by_depth[d], key=lambda p: p[0])]
    return run_nodes, layers


def topo_order(run_nodes, inputs):
    """Order ``run_nodes`` so every node runs after the nodes producing its inputs."""
    have = {id(t) for t in inputs}
    pending = list(run_nodes)
    out = []
    while pending:
        progressed = False
        rest = []
        for n in pending:
            if all(id(t) in have for t in n.input_tensors):
                out.append(n)
                have.update(id(t) for t in n.outputs)
                progressed = True
            else:
                rest.append(n)
        if not progressed:
            raise ValueError(f"The graph cannot be ordered: nodes of layers "
                             f"{[n.layer.name for n in rest]} wait on each other (a cycle).")
        pending = rest
    return out
