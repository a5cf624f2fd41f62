// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_dma_beats: follows the data beats of a DMA transfer. Beats arrive in order,
// BeatBytes each, and a row's last beat holds what is left of it; the walker gives the
// row and byte offset of the current beat, its byte count and whether it is the last one.

module tessera_dma_beats #(
  parameter int unsigned BeatBytes = 16,
  localparam int unsigned BytesW = $clog2(BeatBytes + 1)
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  input  logic              start_i,      // a transfer starts: rewind
  input  logic [15:0]       y_size_i,     // held for the whole transfer
  input  logic [23:0]       row_bytes_i,  // held for the whole transfer
  input  logic              step_i,       // a beat moves in this cycle

  output logic [15:0]       row_o,
  output logic [23:0]       off_o,
  output logic [BytesW-1:0] bytes_o,
  output logic              last_o
);

  localparam logic [23:0] Beat = 24'(BeatBytes);

  logic [15:0] row_q;
  logic [23:0] off_q;
  logic [23:0] left_in_row;
  logic        row_done;

  assign left_in_row = row_bytes_i - off_q;
  assign row_done    = (left_in_row <= Beat);
  assign bytes_o     = row_done ? BytesW'(left_in_row) : BytesW'(BeatBytes);
  assign last_o      = row_done && (row_q == y_size_i - 16'd1);
  assign row_o       = row_q;
  assign off_o       = off_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      row_q <= '0;
      off_q <= '0;
    end else if (start_i) begin
      row_q <= '0;
      off_q <= '0;
    end else if (step_i) begin
      if (row_done) begin
        row_q <= row_q + 16'd1;
        off_q <= '0;
      end else begin
        off_q <= off_q + Beat;
      end
    end
  end

endmodule
