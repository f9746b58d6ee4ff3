"""Events and the companies exhibiting at them."""
