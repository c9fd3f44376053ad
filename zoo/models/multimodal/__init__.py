"""Models that join a CNN and an RNN: video classification and image captioning (note 003)."""
