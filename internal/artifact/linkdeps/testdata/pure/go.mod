module example.com/pureprog

go 1.26
