// The PostgreSQL side of the server backends benchmark (bench/run.py
// `--only backends`): the tests' throwaway cluster (loopback/postgres_cluster.h),
// durable as a practice's, kept while bench/run.py measures.
//   bench_backends postgresql   for each line "new" on standard input, the URI of
//                               a new empty database on a line; at the end of
//                               input the cluster is stopped and removed.
#include <iostream>
#include <string>

#include "loopback/postgres_cluster.h"

int main(int argc, char** argv) {
    if (argc != 2 || std::string(argv[1]) != "postgresql") {
        std::cerr << "usage: bench_backends postgresql\n";
        return 2;
    }
    try {
        cs::loopback::PostgresCluster cluster(/*durable=*/true);
        for (std::string line; std::getline(std::cin, line);) {
            if (line != "new") throw std::runtime_error("unknown request: " + line);
            std::cout << cluster.new_database() << std::endl;
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_backends: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
