//===- topo_sort.cpp - Ordering nodes by their data dependences ----------------===//
#include "compiler/graph/topo_sort.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>

#include <iterator>

namespace tessera::graph {

Status sortTopologically(Graph &graph) {
  using DependenceGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  size_t count = graph.nodes.size();
  DependenceGraph dependences(count);
  std::unordered_map<std::string, size_t> producers = graph.producers();
  // Edges point from a user to its producer, so the sort's output order (which
  // lists a vertex after everything it reaches) puts producers first. Adding them
  // in reverse keeps an already sorted graph unchanged.
  for (size_t i = count; i-- > 0;)
    for (const std::string &input : graph.nodes[i].inputs) {
      auto it = producers.find(input);
      if (it != producers.end()) boost::add_edge(i, it->second, dependences);
    }
  std::vector<size_t> order;
  try {
    boost::topological_sort(dependences, std::back_inserter(order));
  } catch (const boost::not_a_dag &) {
    return invalidInput("graph @%s has a cycle", graph.name);
  }
  std::vector<Node> sorted;
  sorted.reserve(count);
  for (size_t index : order) sorted.push_back(std::move(graph.nodes[index]));
  graph.nodes = std::move(sorted);
  return absl::OkStatus();
}

} // namespace tessera::graph
