// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_alu: the vector ALU, BATCH x BLOCK_OUT lanes, ALU_PIPELINE_DEPTH (Pa) stages.
//
// An iteration issued in cycle t travels Pa - 1 stages. With an immediate operand it then
// reads acc[dst], computes and writes back in cycle t + Pa - 1 (one row per cycle). With
// a register operand and ALU_READ_PORTS = 2 the same, acc[src] read through the second
// port in that cycle. With one read port it is used twice: acc[src] in cycle t + Pa - 1,
// acc[dst] with the write-back in t + Pa; the caller issues every other cycle.
// Every read-modify-write is done in one cycle, so dependent rows see each other's results.
//
// The lookup table of lut and lutset is LUT_ENTRIES int8 flip-flops, zero at reset. A
// lutset row writes the low byte of its first LutRowEntries operand lanes into segment
// dst mod LutSegments of the table in the write-back cycle and writes no acc row; every
// lane of a lut row reads the whole table (isa/alu_ops.h: lutRowBase, lutLookup).

module tessera_alu
  import tessera_pkg::*;
#(
  localparam int unsigned Lanes = BATCH * BLOCK_OUT,
  localparam int unsigned AccW = Lanes * 32,
  localparam int unsigned LutRowEntries = (Lanes < LUT_ENTRIES) ? Lanes : LUT_ENTRIES,
  localparam int unsigned LutSegments = LUT_ENTRIES / LutRowEntries
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  input  alu_op_e               op_i,       // held for the whole instruction
  input  logic                  use_imm_i,  // held
  input  logic [31:0]           imm_i,      // held, sign-extended
  input  logic                  issue_i,
  input  logic [ACC_ADDR_W-1:0] dst_i,
  input  logic [ACC_ADDR_W-1:0] src_i,

  output logic [ACC_ADDR_W-1:0] acc_raddr_o,
  input  logic [AccW-1:0]       acc_rdata_i,
  output logic [ACC_ADDR_W-1:0] acc_raddr2_o,  // ALU_READ_PORTS = 2 only
  input  logic [AccW-1:0]       acc_rdata2_i,
  output logic                  acc_we_o,
  output logic [ACC_ADDR_W-1:0] acc_waddr_o,
  output logic [AccW-1:0]       acc_wdata_o
);

  logic                  x_valid;
  logic [ACC_ADDR_W-1:0] x_dst, x_src;

  tessera_pipe #(
    .Width (2 * ACC_ADDR_W),
    .Stages(ALU_PIPELINE_DEPTH - 1)
  ) u_stages (
    .clk_i,
    .rst_ni,
    .valid_i(issue_i),
    .data_i ({dst_i, src_i}),
    .valid_o(x_valid),
    .data_o ({x_dst, x_src})
  );

  logic                  rmw_valid;
  logic [ACC_ADDR_W-1:0] rmw_dst;
  logic [AccW-1:0]       operand;

  if (ALU_READ_PORTS == 2) begin : gen_two_ports
    // acc[dst] through the first port, acc[src] through the second, both in stage X.
    assign rmw_valid    = x_valid;
    assign rmw_dst      = x_dst;
    assign acc_raddr_o  = x_dst;
    assign acc_raddr2_o = x_src;
    assign operand      = acc_rdata2_i;
  end else begin : gen_one_port
    // acc[src] is read in stage X and held for the write-back stage Y.
    logic                  y_valid_q;
    logic [ACC_ADDR_W-1:0] y_dst_q;
    logic [AccW-1:0]       y_operand_q;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        y_valid_q <= 1'b0;
        y_dst_q   <= '0;
      end else begin
        y_valid_q <= x_valid && !use_imm_i;
        y_dst_q   <= x_dst;
      end
    end

    always_ff @(posedge clk_i) begin
      if (x_valid && !use_imm_i) begin
        y_operand_q <= acc_rdata_i;
      end
    end

    assign rmw_valid    = use_imm_i ? x_valid : y_valid_q;
    assign rmw_dst      = use_imm_i ? x_dst : y_dst_q;
    assign acc_raddr_o  = (!use_imm_i && x_valid) ? x_src : rmw_dst;
    assign acc_raddr2_o = '0;
    assign operand      = y_operand_q;
  end

  logic lut_write;
  assign lut_write   = rmw_valid && (op_i == ALU_LUTSET);
  assign acc_we_o    = rmw_valid && !lut_write;
  assign acc_waddr_o = rmw_dst;

  logic [AccW-1:0] lane_operand;
  for (genvar l = 0; l < Lanes; l++) begin : gen_operands
    assign lane_operand[l * 32 +: 32] = use_imm_i ? imm_i : operand[l * 32 +: 32];
  end

  logic [LUT_ENTRIES*8-1:0] lut_q;
  logic [31:0]              lut_segment;
  assign lut_segment = 32'(rmw_dst) & (LutSegments - 1);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lut_q <= '0;
    end else if (lut_write) begin
      for (int unsigned e = 0; e < LutRowEntries; e++) begin
        lut_q[(lut_segment * LutRowEntries + e) * 8 +: 8] <= lane_operand[e * 32 +: 8];
      end
    end
  end

  for (genvar l = 0; l < Lanes; l++) begin : gen_lanes
    tessera_alu_lane u_lane (
      .enable_i (rmw_valid),
      .op_i,
      .use_imm_i,
      .x_i      (acc_rdata_i[l * 32 +: 32]),
      .operand_i(lane_operand[l * 32 +: 32]),
      .lut_i    (lut_q),
      .result_o (acc_wdata_o[l * 32 +: 32])
    );
  end

endmodule
