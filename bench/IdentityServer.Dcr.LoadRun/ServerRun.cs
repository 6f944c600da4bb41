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
    double? OfferedRate = null,
    DatabaseWork? Database = null);

/// <summary>Everything measured against one server; <paramref name="Registrations"/> is null where the server has none (the baseline: clients written directly).</summary>
public sealed record ServerRun(
    string Label,
    string Server,
    string Store,
    PhaseMetrics? Registrations,
    string? RegistrationsNote,
    PhaseMetrics? Tokens,
    string? TokensNote,
    long PeakRssBytes,
    long EndRssBytes,
    string QuietNote,
    MemoryFigures Memory);

/// <summary>
/// The server's memory at three points: idle after start (ready, before the warm-up), warm (after the warm-up, its
/// connections closed, before the measured part), and at the end of the token phase with the TPPs' connections still
/// open. RSS per open TPP connection is (open - warm) / connections: subtracting the warm figure rather than the idle one
/// leaves out what the warm-up builds once (JIT code, pools, caches), so what remains is what the server holds per open
/// TPP (its TLS connection, and whatever it keeps per registered client). Connections are counted from the server's own
/// sockets (open - warm), or, where /proc does not say, as the TPPs of the token phase.
/// </summary>
public sealed record MemoryFigures(long IdleRssBytes, long WarmRssBytes, int? WarmSockets, long OpenRssBytes, int? OpenSockets, int TokenPhaseTpps)
{
    public int Connections => WarmSockets is { } w && OpenSockets is { } o && o - w > 0 ? o - w : TokenPhaseTpps;

    public double? RssPerConnectionBytes => Connections > 0 && OpenRssBytes > 0 ? (double)(OpenRssBytes - WarmRssBytes) / Connections : null;
}
