// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_dma_store: the DMA engine of a STORE (docs/microarchitecture.md, section 6).
//
// The bursts are sequenced like a LOAD's. The DRAM channel takes the write data one beat
// per cycle (wbeat_i) in [f, f + beats); the engine presents the current beat on
// beat_raddr_o/beat_roff_o (out scratchpad entry sram_base + row * x_size + x) and is done
// in the cycle of the last beat (e = f + beats).

module tessera_dma_store #(
  parameter int unsigned BurstBytes = 256,
  parameter int unsigned BeatBytes = 16,
  parameter int unsigned LatencyCycles = 40,
  parameter int unsigned DramAddrW = 48,
  localparam int unsigned BurstBytesW = $clog2(BurstBytes + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   start_i,
  input  logic [31:0]            dram_base_i,
  input  logic [31:0]            sram_base_i,
  input  logic [15:0]            y_size_i,
  input  logic [15:0]            x_size_i,
  input  logic [15:0]            x_stride_i,
  input  logic [4:0]             elog2_i,

  output logic                   req_o,
  output logic                   req_last_o,
  output logic [DramAddrW-1:0]   req_addr_o,
  output logic [BurstBytesW-1:0] req_bytes_o,
  input  logic                   gnt_i,
  input  logic                   wbeat_i,

  output logic [31:0]            beat_raddr_o,
  output logic [15:0]             beat_roff_o,

  output logic                   busy_o,
  output logic                   done_o,
  output logic                   stall_o
);

  logic        active_q;
  logic [31:0] sram_base_q;
  logic [15:0] y_size_q, x_size_q;
  logic [4:0]  elog2_q;
  logic        granted_q, beat_seen_q;
  logic [15:0] since_grant_q;
  logic [23:0] row_bytes;

  assign row_bytes = 24'(x_size_q) << elog2_q;

  tessera_dma_bursts #(
    .BurstBytes(BurstBytes),
    .DramAddrW (DramAddrW)
  ) u_bursts (
    .clk_i,
    .rst_ni,
    .start_i,
    .dram_base_i,
    .y_size_i,
    .x_size_i,
    .x_stride_i,
    .elog2_i,
    .req_o,
    .last_o (req_last_o),
    .addr_o (req_addr_o),
    .bytes_o(req_bytes_o),
    .gnt_i
  );

  logic [15:0] beat_row;
  logic [23:0] beat_off;
  logic        beat_last;
  logic        beat_fire;

  assign beat_fire = wbeat_i && active_q;

  tessera_dma_beats #(
    .BeatBytes(BeatBytes)
  ) u_beats (
    .clk_i,
    .rst_ni,
    .start_i,
    .y_size_i   (y_size_q),
    .row_bytes_i(row_bytes),
    .step_i     (beat_fire),
    .row_o      (beat_row),
    .off_o      (beat_off),
    .bytes_o    (),
    .last_o     (beat_last)
  );

  logic [23:0] beat_entry;
  assign beat_entry   = beat_off >> elog2_q;
  assign beat_raddr_o = 32'(40'(sram_base_q) + 40'(beat_row) * 40'(x_size_q) + 40'(beat_entry));
  assign beat_roff_o  = 16'(beat_off & ((24'd1 << elog2_q) - 24'd1));

  assign busy_o = active_q;
  assign done_o = beat_fire && beat_last;

  logic wait_issue, wait_bus;
  assign wait_issue = req_o && !gnt_i && (start_i || !granted_q);
  assign wait_bus   = granted_q && !beat_seen_q && !wbeat_i &&
                      (32'(since_grant_q) >= LatencyCycles);
  assign stall_o    = (active_q || start_i) && (wait_issue || wait_bus);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q      <= 1'b0;
      sram_base_q   <= '0;
      y_size_q      <= '0;
      x_size_q      <= '0;
      elog2_q       <= '0;
      granted_q     <= 1'b0;
      beat_seen_q   <= 1'b0;
      since_grant_q <= '0;
    end else begin
      if (start_i) begin
        active_q      <= 1'b1;
        sram_base_q   <= sram_base_i;
        y_size_q      <= y_size_i;
        x_size_q      <= x_size_i;
        elog2_q       <= elog2_i;
        granted_q     <= gnt_i;
        beat_seen_q   <= 1'b0;
        since_grant_q <= 16'd1;
      end else begin
        if (done_o) begin
          active_q <= 1'b0;
        end
        if (gnt_i) begin
          granted_q <= 1'b1;
        end
        if (wbeat_i) begin
          beat_seen_q <= 1'b1;
        end
        if (!granted_q && gnt_i) begin
          since_grant_q <= 16'd1;
        end else if (since_grant_q != '1) begin
          since_grant_q <= since_grant_q + 16'd1;
        end
      end
    end
  end

endmodule
