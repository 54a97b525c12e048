module example.com/zlibprog

go 1.26
