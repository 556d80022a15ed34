"""How an optimizer's element-wise update is run: on a whole variable, on blocks of a large
one shared by the worker threads, or once over the concatenation of the small ones.

An ``Optimizer`` subclass whose ``_update(var, grad, lr, slots)`` works element by element
says so with ``_elementwise = True`` next to it; the base class (:class:`ElementwiseUpdates`,
which ``Optimizer`` derives from) may then call it on a :class:`_Block` (a slice of one
variable) or a :class:`_Together` (several small variables) as if it were a variable: both
have a ``value`` array whose in-place changes land in the variables.
"""
import numpy as np

# Element-wise updates of variables of at least two blocks run block by block (see
# Optimizer._update_blocks) when there are worker threads to share the blocks, and from
# UPDATE_BLOCKWISE_MIN elements also on one thread: each block's chain of in-place operations
# stays in the core's cache instead of streaming the whole arrays from memory once per
# operation. Measured on the 2-core development machine (3 rounds each): Adam on a 20000x128
# embedding plus two 128x512 kernels 15-16 ms per step on whole arrays, 10-13.5 ms in blocks of
# 2**17 on one thread, 8.3-11.5 ms on two workers; W1's RMSprop (784x512 and 512x512 kernels,
# which stay in the cache anyway) 2.2-2.5 ms whole, 2.5-2.8 ms in blocks on one thread,
# 1.45-1.8 ms in blocks on two workers.
UPDATE_BLOCK = 1 << 17
UPDATE_BLOCKWISE_MIN = 1 << 20
# Element-wise updates of the variables of at most GROUP_MAX elements (biases, small kernels)
# run as ONE update over their concatenation (Optimizer._update_together): one chain of NumPy
# calls instead of one per variable, whose fixed cost (~1 us per call, ~10 calls per update)
# is most of a small variable's update. Gathering and scattering back cost a copy per element,
# which is why large variables keep their own update. Bitwise equal to updating one by one.
GROUP_MAX = 1 << 14
_BLOCKWISE = {}             # optimizer class -> whether its _update is element-wise


class ElementwiseUpdates:
    """The update paths of :class:`pipeseq.training.optimizers.base.Optimizer` (its base)."""

    # True where the class's own ``_update`` is element-wise (each element of the variable
    # depends only on the same element of the gradient and slots): it may then be run on
    # slices of them. Declared next to the ``_update`` it describes; a subclass that
    # overrides ``_update`` is not block-wise unless it says so.
    _elementwise = False

    def _scratch(self, var, n):
        """``n`` work arrays shaped like ``var`` (reused across steps; not optimizer state)."""
        if isinstance(var, _Block):               # the same block of the variable's own arrays
            return [b.reshape(-1)[var.block] for b in self._scratch(var.var, n)]
        bufs = self._scratch_bufs.get(id(var))
        if bufs is None or bufs[0].shape != var.value.shape or bufs[0].dtype != var.value.dtype:
            bufs = self._scratch_bufs[id(var)] = [np.empty_like(var.value) for _ in range(n)]
        return bufs

    def _use_blocks(self, var):
        """Whether ``var``'s update runs block by block (see UPDATE_BLOCK)."""
        size = var.value.size
        if size < 2 * UPDATE_BLOCK or not self._blockwise():
            return False
        from ...kernels.conv_threads import workers_now
        return size >= UPDATE_BLOCKWISE_MIN or workers_now() > 1

    def _blockwise(self):
        """Whether the ``_update`` this optimizer runs is declared element-wise."""
        found = _BLOCKWISE.get(type(self))
        if found is None:
            found = _BLOCKWISE[type(self)] = self._declared_blockwise()
        return found

    def _declared_blockwise(self):
        for cls in type(self).__mro__:
            if "_update" in vars(cls):
                return bool(vars(cls).get("_elementwise", False))
        return False

    def _update_blocks(self, var, g, lr, slots):
        """``_update`` on consecutive blocks of ``UPDATE_BLOCK`` elements, shared by the worker
        threads (kernels.conv_threads); the same arithmetic, element by element, as one call."""
        arrays = [var.value, g] + list(slots)
        if not all(a.flags.c_contiguous and a.size == var.value.size for a in arrays):
            return self._update(var, g, lr, slots)
        from ...kernels.conv_threads import run_groups
        flat_g = g.reshape(-1)
        flat_slots = [s.reshape(-1) for s in slots]
        size = var.value.size
        blocks = [slice(i, min(i + UPDATE_BLOCK, size)) for i in range(0, size, UPDATE_BLOCK)]

        def work(feed):
            for block in feed:
                self._update(_Block(var, block), flat_g[block], lr, [s[block] for s in flat_slots])

        run_groups(work, blocks)

    def _groupable(self, var):
        """Whether ``var`` is a small variable of an element-wise update (see GROUP_MAX)."""
        value = var.value
        return value.size <= GROUP_MAX and value.flags.c_contiguous and self._blockwise()

    def _update_together(self, pairs, lr):
        """``_update`` of the small variables of ``pairs`` (``[(gradient, variable)]``) as one
        update over their concatenation, per dtype; a lone variable is updated on its own."""
        by_dtype = {}
        for g, v in pairs:
            by_dtype.setdefault(v.value.dtype, []).append((g, v))
        for same in by_dtype.values():
            group = self._together([v for _, v in same]) if len(same) > 1 else None
            if group is None:
                for g, v in same:
                    self._update(v, g, lr, self._slots[id(v)])
                continue
            np.concatenate([g.reshape(-1) for g, _ in same], out=group.grad)
            np.concatenate([v.value.reshape(-1) for _, v in same], out=group.value)
            self._update(group, group.grad, lr, group.slots)
            for (_, v), part in zip(same, group.parts):
                v.value[...] = part

    def _together(self, variables):
        """The :class:`_Together` of ``variables``, whose concatenated slot arrays the
        variables' own slots are views of; rebuilt when slots were made or replaced since
        (``_slots_version``) or a shape changed; None if a slot is not shaped like its variable."""
        key = tuple(id(v) for v in variables)
        group = self._groups.get(key)
        shapes = tuple(v.value.shape for v in variables)
        if group is not None and group.version == self._slots_version and group.shapes == shapes:
            return group
        own = [self._slots[id(v)] for v in variables]
        if not all(s.shape == v.value.shape and s.dtype == v.value.dtype
                   for v, slots in zip(variables, own) for s in slots):
            return None
        if key in self._groups:                  # its work arrays go with it
            self._scratch_bufs.pop(id(self._groups[key]), None)
        group = _Together(variables, own)
        for v, views in zip(variables, group.views):
            self._slots[id(v)] = list(views)
        group.version = self._slots_version
        self._groups[key] = group
        return group


class _Together:
    """Small variables as ``Optimizer._update`` sees ONE variable: ``value`` and ``grad`` are
    their concatenations (filled each step), ``slots`` the concatenated slot arrays, of which
    ``views[i]`` are variable ``i``'s slots (reshaped slices, so updates land in them)."""

    def __init__(self, variables, slots):
        sizes = [v.value.size for v in variables]
        ends = np.cumsum(sizes).tolist()
        self.bounds = list(zip([0] + ends[:-1], ends))
        self.shapes = tuple(v.value.shape for v in variables)
        dtype = variables[0].value.dtype
        self.value = np.empty(ends[-1], dtype)
        self.grad = np.empty(ends[-1], dtype)
        self.slots = [np.concatenate([own[j].reshape(-1) for own in slots])
                      for j in range(len(slots[0]))]
        self.views = [[s[a:b].reshape(shape) for s in self.slots]
                      for (a, b), shape in zip(self.bounds, self.shapes)]
        self.parts = [self.value[a:b].reshape(shape) for (a, b), shape in zip(self.bounds, self.shapes)]
        self.version = None


class _Block:
    """A block of a variable as ``Optimizer._update`` sees a variable: ``value`` is the slice
    ``block`` of the flattened value (a view, so updates land in the variable)."""

    __slots__ = ("var", "block", "value")

    def __init__(self, var, block):
        self.var, self.block = var, block
        self.value = var.value.reshape(-1)[block]
