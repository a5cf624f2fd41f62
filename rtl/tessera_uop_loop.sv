// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_uop_loop: the two hardware loops around a micro-op range that GEMM and ALU run
// (docs/isa.md):
//   for i0 < iter_out: for i1 < iter_in: for u in [uop_bgn, uop_end):
//     dst = uop[u].dst + i0 * dst_factor_out + i1 * dst_factor_in   (likewise src, wgt)
// start_i rewinds the loops (the fields are held by the caller from then on); each step_i
// issues one iteration: the micro-op is read combinationally and its indices computed in
// the same cycle. last_o marks the final iteration.

module tessera_uop_loop
  import tessera_pkg::*;
(
  input  logic                  clk_i,
  input  logic                  rst_ni,

  input  logic                  start_i,
  input  logic                  step_i,
  input  logic [UOP_ADDR_W:0]   uop_bgn_i,
  input  logic [UOP_ADDR_W:0]   uop_end_i,
  input  logic [13:0]           iter_out_i,
  input  logic [13:0]           iter_in_i,
  input  logic [31:0]           dst_factor_out_i,
  input  logic [31:0]           dst_factor_in_i,
  input  logic [31:0]           src_factor_out_i,
  input  logic [31:0]           src_factor_in_i,
  input  logic [31:0]           wgt_factor_out_i,
  input  logic [31:0]           wgt_factor_in_i,

  output logic [UOP_ADDR_W-1:0] uop_raddr_o,
  input  logic [UOP_BITS-1:0]   uop_rdata_i,

  output logic [31:0]           dst_o,
  output logic [31:0]           src_o,
  output logic [31:0]           wgt_o,
  output logic                  last_o
);

  logic [UOP_ADDR_W:0] u_q;
  logic [13:0]         i0_q, i1_q;
  logic [31:0]         out_dst_q, out_src_q, out_wgt_q;  // bases of the current i0
  logic [31:0]         dst_q, src_q, wgt_q;              // bases of the current (i0, i1)
  logic                u_end, i1_end, i0_end;
  uop_t                uop;

  assign u_end  = (u_q + 1'b1 == uop_end_i);
  assign i1_end = (i1_q + 14'd1 == iter_in_i);
  assign i0_end = (i0_q + 14'd1 == iter_out_i);
  assign last_o = u_end && i1_end && i0_end;

  assign uop_raddr_o = u_q[UOP_ADDR_W-1:0];
  assign uop         = uop_t'(uop_rdata_i);
  assign dst_o       = 32'(uop.dst) + dst_q;
  assign src_o       = 32'(uop.src) + src_q;
  assign wgt_o       = 32'(uop.wgt) + wgt_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      u_q       <= '0;
      i0_q      <= '0;
      i1_q      <= '0;
      out_dst_q <= '0;
      out_src_q <= '0;
      out_wgt_q <= '0;
      dst_q     <= '0;
      src_q     <= '0;
      wgt_q     <= '0;
    end else if (start_i) begin
      u_q       <= uop_bgn_i;
      i0_q      <= '0;
      i1_q      <= '0;
      out_dst_q <= '0;
      out_src_q <= '0;
      out_wgt_q <= '0;
      dst_q     <= '0;
      src_q     <= '0;
      wgt_q     <= '0;
    end else if (step_i) begin
      if (!u_end) begin
        u_q <= u_q + 1'b1;
      end else begin
        u_q <= uop_bgn_i;
        if (!i1_end) begin
          i1_q  <= i1_q + 14'd1;
          dst_q <= dst_q + dst_factor_in_i;
          src_q <= src_q + src_factor_in_i;
          wgt_q <= wgt_q + wgt_factor_in_i;
        end else begin
          i1_q      <= '0;
          i0_q      <= i0_q + 14'd1;
          out_dst_q <= out_dst_q + dst_factor_out_i;
          out_src_q <= out_src_q + src_factor_out_i;
          out_wgt_q <= out_wgt_q + wgt_factor_out_i;
          dst_q     <= out_dst_q + dst_factor_out_i;
          src_q     <= out_src_q + src_factor_out_i;
          wgt_q     <= out_wgt_q + wgt_factor_out_i;
        end
      end
    end
  end

endmodule
