// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_dma_bursts: cuts a 2D strided DMA transfer into DRAM bursts
// (docs/microarchitecture.md, section 6).
//
// Row r is the x_size << elog2 contiguous bytes at byte (dram_base + r * x_stride) << elog2;
// each row is cut from its first byte into bursts of at most BurstBytes. The request is
// raised in the start cycle (start_i, with the descriptor on the inputs) and held; from the
// grant on, the arbiter keeps granting one burst per cycle until last_o.

module tessera_dma_bursts #(
  parameter int unsigned BurstBytes = 256,
  parameter int unsigned DramAddrW = 48,
  localparam int unsigned BytesW = $clog2(BurstBytes + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic                 start_i,
  input  logic [31:0]          dram_base_i,
  input  logic [15:0]          y_size_i,
  input  logic [15:0]          x_size_i,
  input  logic [15:0]          x_stride_i,
  input  logic [4:0]           elog2_i,

  output logic                 req_o,
  output logic                 last_o,
  output logic [DramAddrW-1:0] addr_o,
  output logic [BytesW-1:0]    bytes_o,
  input  logic                 gnt_i
);

  localparam logic [23:0] Burst = 24'(BurstBytes);

  logic        active_q, active_d;
  logic [39:0] row_q, row_d, row_cur;        // DRAM entry index of the current row
  logic [15:0] rows_left_q, rows_left_d, rows_left_cur;
  logic [23:0] off_q, off_d, off_cur;        // byte offset of the next burst in the row
  logic [15:0] stride_q, stride_cur;
  logic [23:0] row_bytes_q, row_bytes_cur;
  logic [4:0]  elog2_q, elog2_cur;

  logic [23:0] left_in_row;
  logic        row_done;

  // The start cycle works from the descriptor; later cycles from the registers.
  always_comb begin
    if (active_q) begin
      row_cur       = row_q;
      rows_left_cur = rows_left_q;
      off_cur       = off_q;
      stride_cur    = stride_q;
      row_bytes_cur = row_bytes_q;
      elog2_cur     = elog2_q;
    end else begin
      row_cur       = 40'(dram_base_i);
      rows_left_cur = y_size_i;
      off_cur       = '0;
      stride_cur    = x_stride_i;
      row_bytes_cur = 24'(x_size_i) << elog2_i;
      elog2_cur     = elog2_i;
    end
  end

  assign left_in_row = row_bytes_cur - off_cur;
  assign row_done    = (left_in_row <= Burst);
  assign req_o       = start_i | active_q;
  assign last_o      = row_done && (rows_left_cur == 16'd1);
  assign bytes_o     = row_done ? BytesW'(left_in_row) : BytesW'(BurstBytes);
  assign addr_o      = (DramAddrW'(row_cur) << elog2_cur) + DramAddrW'(off_cur);

  always_comb begin
    active_d    = active_q;
    row_d       = row_cur;
    rows_left_d = rows_left_cur;
    off_d       = off_cur;
    if (req_o) begin
      active_d = 1'b1;
      if (gnt_i) begin
        if (last_o) begin
          active_d = 1'b0;
        end else if (row_done) begin
          row_d       = row_cur + 40'(stride_cur);
          rows_left_d = rows_left_cur - 16'd1;
          off_d       = '0;
        end else begin
          off_d = off_cur + Burst;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q    <= 1'b0;
      row_q       <= '0;
      rows_left_q <= '0;
      off_q       <= '0;
      stride_q    <= '0;
      row_bytes_q <= '0;
      elog2_q     <= '0;
    end else begin
      active_q    <= active_d;
      row_q       <= row_d;
      rows_left_q <= rows_left_d;
      off_q       <= off_d;
      stride_q    <= stride_cur;
      row_bytes_q <= row_bytes_cur;
      elog2_q     <= elog2_cur;
    end
  end

endmodule
