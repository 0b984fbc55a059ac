"""Reading the IDX files of Fashion-MNIST (/usr/share/datasets/fashion-mnist), for the reference scripts."""
import gzip

import numpy as np

FASHION = '/usr/share/datasets/fashion-mnist'


def idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
