// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_gemm: the GEMM core, BATCH x BLOCK_IN x BLOCK_OUT int8 multiply-accumulates per
// cycle, GEMM_PIPELINE_DEPTH (Pg) cycles from issue to write-back.
//
// An iteration issued in cycle t (its acc/inp/wgt indices on dst_i/src_i/wgt_i) reads its
// input row and weight block in cycle t + 1 (t when Pg = 1), forms the BATCH x BLOCK_OUT
// dot products, carries them down the pipeline and, in cycle t + Pg - 1, reads acc[dst],
// adds (or writes zero for reset) and writes the row back. The read-modify-write happens
// in one cycle, so back-to-back iterations on the same row see each other's results, as
// the sequential semantics of simulator/golden require.

// The MAC array's internal wires are left out of VCD traces: tracing keeps every wire alive
// in the Verilated model and would cost the simulation its speed. The ports are traced in
// the parent.
/* verilator tracing_off */
module tessera_gemm
  import tessera_pkg::*;
#(
  localparam int unsigned Lanes = BATCH * BLOCK_OUT,
  localparam int unsigned AccW = Lanes * 32
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  input  logic                          issue_i,
  input  logic                          reset_i,
  input  logic [ACC_ADDR_W-1:0]         dst_i,
  input  logic [INP_ADDR_W-1:0]         src_i,
  input  logic [WGT_ADDR_W-1:0]         wgt_i,

  output logic [INP_ADDR_W-1:0]         inp_raddr_o,
  input  logic [INP_ENTRY_BYTES*8-1:0]  inp_rdata_i,
  output logic [WGT_ADDR_W-1:0]         wgt_raddr_o,
  input  logic [WGT_ENTRY_BYTES*8-1:0]  wgt_rdata_i,

  output logic [ACC_ADDR_W-1:0]         acc_raddr_o,
  input  logic [AccW-1:0]               acc_rdata_i,
  output logic                          acc_we_o,
  output logic [ACC_ADDR_W-1:0]         acc_waddr_o,
  output logic [AccW-1:0]               acc_wdata_o
);

  localparam int unsigned ReadStages = (GEMM_PIPELINE_DEPTH >= 2) ? 1 : 0;
  localparam int unsigned SumStages = GEMM_PIPELINE_DEPTH - 1 - ReadStages;
  localparam int unsigned IdxW = 1 + ACC_ADDR_W + INP_ADDR_W + WGT_ADDR_W;

  // Issue -> operand read.
  logic                  rd_valid, rd_reset;
  logic [ACC_ADDR_W-1:0] rd_dst;
  logic [INP_ADDR_W-1:0] rd_src;
  logic [WGT_ADDR_W-1:0] rd_wgt;

  tessera_pipe #(
    .Width (IdxW),
    .Stages(ReadStages)
  ) u_read_stage (
    .clk_i,
    .rst_ni,
    .valid_i(issue_i),
    .data_i ({reset_i, dst_i, src_i, wgt_i}),
    .valid_o(rd_valid),
    .data_o ({rd_reset, rd_dst, rd_src, rd_wgt})
  );

  assign inp_raddr_o = rd_src;
  assign wgt_raddr_o = rd_wgt;

  // The MAC array: one dot product of BLOCK_IN int8 pairs per output lane (zero in cycles
  // with no iteration, which also spares a simulator the arithmetic).
  logic [AccW-1:0] dot;

  // One output lane per (b, o): BLOCK_IN int8 products summed on 32 bits, written as a
  // chain of single-use wires (one expression per lane for a simulator). The lanes are
  // zero in cycles with no iteration.
  for (genvar b = 0; b < BATCH; b++) begin : gen_batch
    for (genvar o = 0; o < BLOCK_OUT; o++) begin : gen_out
      for (genvar i = 0; i < BLOCK_IN; i++) begin : gen_mac
        logic [31:0] product, sum;
        assign product = 32'($signed(inp_rdata_i[(b * BLOCK_IN + i) * 8 +: 8]) *
                             $signed(wgt_rdata_i[(o * BLOCK_IN + i) * 8 +: 8]));
        if (i == 0) begin : gen_first
          assign sum = product;
        end else begin : gen_next
          assign sum = gen_mac[i - 1].sum + product;
        end
      end
      assign dot[(b * BLOCK_OUT + o) * 32 +: 32] = rd_valid ? gen_mac[BLOCK_IN - 1].sum : 32'd0;
    end
  end

  // Dot products -> accumulate.
  logic                  wb_valid, wb_reset;
  logic [ACC_ADDR_W-1:0] wb_dst;
  logic [AccW-1:0]       wb_dot;

  tessera_pipe #(
    .Width (1 + ACC_ADDR_W + AccW),
    .Stages(SumStages)
  ) u_sum_stages (
    .clk_i,
    .rst_ni,
    .valid_i(rd_valid),
    .data_i ({rd_reset, rd_dst, dot}),
    .valid_o(wb_valid),
    .data_o ({wb_reset, wb_dst, wb_dot})
  );

  assign acc_raddr_o = wb_dst;
  assign acc_we_o    = wb_valid;
  assign acc_waddr_o = wb_dst;

  always_comb begin
    for (int unsigned l = 0; l < Lanes; l++) begin
      acc_wdata_o[l * 32 +: 32] = wb_reset ? 32'd0 :
                                  acc_rdata_i[l * 32 +: 32] + wb_dot[l * 32 +: 32];
    end
  end

endmodule
