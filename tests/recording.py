"""Callbacks that record what a training run did, shared by the tests."""

import keras


class RateRecorder(keras.callbacks.Callback):
    """The learning rate of every batch and the loss after each epoch's first batch."""

    def __init__(self):
        super().__init__()
        self.rates, self.first_losses, self.epoch = {}, {}, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        self.rates[(self.epoch, batch)] = rate

    def on_train_batch_end(self, batch, logs=None):
        if batch == 0:
            self.first_losses[self.epoch] = float(logs["loss"])
