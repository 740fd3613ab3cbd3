//! Activity analysis: a slot or array is *varied* when its value depends on a
//! differentiable parameter, *useful* when the output depends on it, and *active* when both.
//! Only active values get an adjoint, and only assignments to active values get a reverse
//! statement.
//!
//! The analysis is flow-insensitive: it looks at every write of a value at once, and
//! iterates to a fixed point, which covers loop-carried dependencies. An array is one node:
//! writing a varied value to any element makes the whole array varied. Being
//! flow-insensitive only ever makes a value active that need not be (its adjoint is then
//! zero), never the reverse, so gradients stay exact.

use crate::ctxt::Ctxt;
use crate::ir::deps::{edges, useful_flags, varied_flags};
use crate::ir::{Body, ParamVar};

/// `(active slots, active arrays, varied slots, varied arrays)`.
pub fn active(body: &Body, params: &[ParamVar]) -> (Vec<bool>, Vec<bool>, Vec<bool>, Vec<bool>) {
    let edges = edges(body);
    let varied = varied_flags(body, &edges, params);
    let useful = useful_flags(body, &edges);
    let both = |a: &[bool], b: &[bool]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| *x && *y)
            .collect::<Vec<bool>>()
    };
    (
        both(&varied.slots, &useful.slots),
        both(&varied.arrays, &useful.arrays),
        varied.slots,
        varied.arrays,
    )
}

/// The fence: non-float code may read a float that carries a gradient only where the read
/// cuts the gradient by design (lowering has exempted those). Any other read would drop a
/// gradient silently, so it is an error.
pub fn check_opaque_reads(cx: &Ctxt, body: &Body, varied: &[bool], varied_arrays: &[bool]) {
    let reads = body
        .opaque_reads
        .iter()
        .filter(|(s, _)| varied[s.0])
        .map(|(s, span)| (&body.slot(*s).name, span))
        .chain(
            body.opaque_array_reads
                .iter()
                .filter(|(a, _)| varied_arrays[a.0])
                .map(|(a, span)| (&body.array(*a).name, span)),
        );
    for (name, span) in reads {
        cx.error_at(
            *span,
            format!(
                "`{name}` carries a gradient, but this code is not differentiable, so the gradient through it would be lost; use `{name}` in float arithmetic or a float method, or write `stop_gradient({name})` to cut the gradient on purpose"
            ),
        );
    }
}
