module example.com/cxxprog

go 1.26
