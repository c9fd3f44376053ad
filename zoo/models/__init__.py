"""Model classes and builders that are not convolutional networks."""
