"""Seeing what λ does: bias–variance decompositions, coefficient paths, df(λ), weight norms,
and L1-vs-L2 sparsity. Plots of all of these are in :mod:`shrinkage.plots`."""

from .decomposition import BiasVarianceResult, bias_variance
from .paths import (
                    NetworkPath,
                    PathResult,
                    SparsityResult,
                    coefficient_path,
                    df_path,
                    logistic_effective_df,
                    network_path,
                    sparsity_comparison,
                    weight_norm_path,
                    weight_norms,
)

__all__ = ["BiasVarianceResult", "bias_variance", "PathResult", "SparsityResult",
           "coefficient_path", "df_path", "logistic_effective_df", "weight_norms",
           "weight_norm_path", "sparsity_comparison", "NetworkPath", "network_path"]
