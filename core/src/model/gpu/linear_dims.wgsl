// Shared by the linear-model kernels (softmax_rows.wgsl, squared_rows.wgsl,
// gradient.wgsl): linear_loss.rs prepends this file to each of them, and fills one
// Dims buffer for all three.

struct Dims {
    rows: u32,
    inputs: u32,
    // Outputs per row: the class count, or 1 for squared error.
    classes: u32,
    // Outputs of the gradient kernel: classes × (inputs + 1) + 1 (the loss).
    outputs: u32,
    // Workgroups along x for the per-row kernels; row = (workgroup_id.y * row_groups_x +
    // workgroup_id.x) * WORKGROUP_SIZE + lane.
    row_groups_x: u32,
    // Workgroups along x for the gradient kernel.
    out_groups_x: u32,
    _pad0: u32,
    _pad1: u32,
}

const WORKGROUP_SIZE: u32 = 64u;
