"""The project's own helmet / work-wear detector.

Runtime (``infer``, ``preprocess``, ``decode``, ``evaluate``, ``dataset``, ``classes``) needs only
onnxruntime, numpy and Pillow. Training (``net``, ``train``, ``export``) needs the ``train`` extra
(CPU torch and the EfficientNet-Lite0 weights package) and is never imported by the platform.
"""
