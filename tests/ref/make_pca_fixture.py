#!/usr/bin/python3
# make_pca_fixture.py — writes tests/ref/pca/cloud.txt: a small anisotropic point cloud and
# what numpy says its principal components are (numpy.linalg.eigh of the covariance), with
# pca.h's sign convention (each axis's largest-magnitude entry positive).
# Run with Debian's Python (numpy): /usr/bin/python3 tests/ref/make_pca_fixture.py
import os
import numpy as np

rng = np.random.default_rng(7)
N, D, K = 40, 5, 3
Q, _ = np.linalg.qr(rng.standard_normal((D, D)))          # a random rotation
X = (rng.standard_normal((N, D)) * np.array([5.0, 3.0, 1.0, 0.5, 0.1])) @ Q + np.arange(D)
X = X.astype(np.float32)
Xc = X.astype(np.float64) - X.astype(np.float64).mean(axis=0)
S = Xc.T @ Xc / (N - 1)
lam, V = np.linalg.eigh(S)
order = np.argsort(lam)[::-1][:K]
axes = V[:, order].T
for c in range(K):
    if axes[c, np.argmax(np.abs(axes[c]))] < 0:
        axes[c] = -axes[c]
ratio = lam[order] / lam.sum()
Y = Xc @ axes.T
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pca", "cloud.txt")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    f.write("%d %d %d\n" % (N, D, K))
    for row in X:
        f.write(" ".join("%.9g" % v for v in row) + "\n")
    f.write(" ".join("%.9g" % v for v in ratio) + "\n")
    for row in axes:
        f.write(" ".join("%.9g" % v for v in row) + "\n")
    for row in Y:
        f.write(" ".join("%.9g" % v for v in row) + "\n")
print("wrote", out)
