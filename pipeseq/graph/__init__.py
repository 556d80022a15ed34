"""Symbolic graphs: what layers need to build them, below ``layers`` and ``models``.

``KerasTensor`` and ``Node`` (:mod:`.tensor`), the symbolic call that records a
node when a layer is called on tensors (:mod:`.symbolic`), and the walk from
outputs back to inputs that orders a graph's nodes (:mod:`.traversal`). Imports
nothing from the rest of pipeseq.
"""
from .tensor import KerasTensor, Node, flatten, format_shape, is_shape_list, is_symbolic  # noqa: F401
from .symbolic import (SymbolicScope, call_symbolic, in_symbolic_scope, input_tensor,  # noqa: F401
                       layer_node_tensors)
from .traversal import map_graph, topo_order  # noqa: F401
