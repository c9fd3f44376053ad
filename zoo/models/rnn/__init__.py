"""Recurrent models: the character RNN (note 003), TextGenerator (note 004), sentiment and seq2seq models."""
