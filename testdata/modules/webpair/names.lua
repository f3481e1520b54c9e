return { prefix = "web" }
