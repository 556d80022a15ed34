"""Pure array functions: forward and backward passes, no state.

Every op module imports only NumPy/SciPy. A forward function returns what its
backward needs; a backward function returns input (and weight) gradients.
"""
