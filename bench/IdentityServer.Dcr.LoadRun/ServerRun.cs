// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.LoadRun;

/// <summary>The figures of one phase (registrations or tokens) against one server.</summary>
public sealed record PhaseMetrics(
    int Count,
    int Errors,
    IReadOnlyDictionary<string, int> ErrorsByKind,
    IReadOnlyList<string> ErrorSamples,
    double WallSeconds,
    double PerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    double ServerCpuMsPerOp,
    double? DatabaseCpuMsPerOp,
    double LoadRunCpuMsPerOp,
    double OtherProcessesCpuCores,
    string LoadAverageBefore,
    string LoadAverageAfter,
    double? OfferedRate = null);

/// <summary>Everything measured against one server.</summary>
public sealed record ServerRun(
    string Label,
    string Server,
    string Store,
    PhaseMetrics Registrations,
    PhaseMetrics? Tokens,
    string? TokensNote,
    long PeakRssBytes,
    long EndRssBytes,
    string QuietNote);
