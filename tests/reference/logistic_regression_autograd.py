"""Reference for tests/logistic_regression.rs: autograd's README example, run with HIPS autograd.

Run: pip install autograd==1.9.1 numpy==2.4.6 && python3 tests/reference/logistic_regression_autograd.py
It prints the loss before and after 100 steps of `weights -= 0.01 * grad` from zero, with
17 significant digits; the Rust test compares against these numbers to 1e-10.
"""
import autograd.numpy as np
from autograd import grad


def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.0) + 1)


def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))


def training_loss(weights):
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))


inputs = np.array([[0.52, 1.12, 0.77],
                   [0.88, -1.08, 0.15],
                   [0.52, 0.06, -1.30],
                   [0.74, -2.49, 1.39]])
targets = np.array([True, True, False, True])

training_gradient_fun = grad(training_loss)
weights = np.array([0.0, 0.0, 0.0])
print("Initial loss: %.17g" % training_loss(weights))
for i in range(100):
    weights -= training_gradient_fun(weights) * 0.01
print("Trained loss: %.17g" % training_loss(weights))
print("Weights: %s" % ", ".join("%.17g" % w for w in weights))
