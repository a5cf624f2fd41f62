// Copyright tessera contributors. SPDX-License-Identifier: Apache-2.0
//
// tessera_mem_arbiter: the issue port of the DRAM channel (docs/microarchitecture.md,
// section 7). Requesters, highest priority first: 0 fetch, 1 compute, 2 load, 3 store.
// In a cycle with no transfer in progress the highest-priority request is granted and
// issues its first burst; the transfer then holds the port, one burst per cycle, until
// the burst marked last (a transfer is never preempted). Read beats come back with the
// requester's id; write beats always belong to the store unit.

module tessera_mem_arbiter #(
  parameter int unsigned Requesters = 4,
  parameter int unsigned DramAddrW = 48,
  parameter int unsigned BytesW = 9,
  localparam int unsigned IdW = $clog2(Requesters)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic [Requesters-1:0] req_i,
  input  logic [Requesters-1:0] last_i,
  input  logic [DramAddrW-1:0]  addr_i  [Requesters],
  input  logic [BytesW-1:0]     bytes_i [Requesters],
  input  logic [Requesters-1:0] write_i,
  output logic [Requesters-1:0] gnt_o,

  output logic                 mem_req_valid_o,
  input  logic                 mem_req_ready_i,
  output logic                 mem_req_write_o,
  output logic [IdW-1:0]       mem_req_id_o,
  output logic [DramAddrW-1:0] mem_req_addr_o,
  output logic [BytesW-1:0]    mem_req_bytes_o
);

  logic           lock_q, lock_d;
  logic [IdW-1:0] owner_q, owner_d;
  logic [IdW-1:0] pick;

  always_comb begin
    pick = '0;
    for (int i = Requesters - 1; i >= 0; i--) begin
      if (req_i[i]) begin
        pick = IdW'(i);
      end
    end
  end

  assign mem_req_id_o    = lock_q ? owner_q : pick;
  assign mem_req_valid_o = lock_q ? req_i[owner_q] : |req_i;
  assign mem_req_write_o = write_i[mem_req_id_o];
  assign mem_req_addr_o  = addr_i[mem_req_id_o];
  assign mem_req_bytes_o = bytes_i[mem_req_id_o];

  always_comb begin
    gnt_o = '0;
    if (mem_req_valid_o && mem_req_ready_i) begin
      gnt_o[mem_req_id_o] = 1'b1;
    end
  end

  always_comb begin
    lock_d  = lock_q;
    owner_d = owner_q;
    if (mem_req_valid_o && mem_req_ready_i) begin
      lock_d  = !last_i[mem_req_id_o];
      owner_d = mem_req_id_o;
    end
  end

  // A transfer in progress keeps requesting until its last burst.
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!lock_q || req_i[owner_q])
        else $error("tessera_mem_arbiter: transfer dropped its request");
    end
  end
`endif

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lock_q  <= 1'b0;
      owner_q <= '0;
    end else begin
      lock_q  <= lock_d;
      owner_q <= owner_d;
    end
  end

endmodule
