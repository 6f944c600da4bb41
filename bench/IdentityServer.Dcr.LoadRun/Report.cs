// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>
/// The one table (the servers side by side, in the order of <c>--servers</c>; the ratios of the comparisons whose two
/// servers ran: ours/peer, ours/baseline, duende/duende-plain; the issues' targets) and the same as JSON.
/// </summary>
public sealed class Report(LoadRunOptions options, Machine machine, string postgreSql, string durability, DateTimeOffset started, IReadOnlyList<ServerRun> runs, PreloadResult? preload, IReadOnlyList<string> notices)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private ServerRun? Ours => Run("ours");

    private ServerRun? Peer => Run("peer");

    private ServerRun? Scale => Run("ours @preload");

    private ServerRun? Baseline => Run("baseline");

    private ServerRun? Duende => Run("duende");

    private ServerRun? Plain => Run("duende-plain");

    /// <summary>The comparisons whose two servers both ran: header, numerator, denominator.</summary>
    private List<(string Header, ServerRun A, ServerRun B)> Pairs
    {
        get
        {
            var pairs = new List<(string, ServerRun, ServerRun)>();
            if (Ours is { } ours && Peer is { } peer)
            {
                pairs.Add(("ours/peer", ours, peer));
            }

            if (Ours is { } o && Baseline is { } baseline)
            {
                pairs.Add(("ours/baseline", o, baseline));
            }

            if (Duende is { } duende && Plain is { } plain)
            {
                pairs.Add(("duende/plain", duende, plain));
            }

            return pairs;
        }
    }

    public void Print(TextWriter output)
    {
        var pairs = Pairs;
        var header = new List<string> { "metric" };
        header.AddRange(runs.Select(c => c.Label));
        header.AddRange(pairs.Select(p => p.Header));
        header.Add("target");
        var rows = new List<string[]>();
        void Row(string name, Func<ServerRun, string> value, Func<ServerRun, double?>? metric, string target)
        {
            var row = new List<string> { name };
            row.AddRange(runs.Select(value));
            row.AddRange(pairs.Select(p => metric is null ? string.Empty : RatioText(metric(p.A), metric(p.B))));
            row.Add(target);
            rows.Add([.. row]);
        }

        static string Reg(ServerRun r, Func<PhaseMetrics, string> f) => r.Registrations is null ? "n/a" : f(r.Registrations);
        static string Tok(ServerRun r, Func<PhaseMetrics, string> f) => r.Tokens is null ? "not available" : f(r.Tokens);
        static string Work(PhaseMetrics m) => m.Database is not { } d ? "n/a" : (d.StatementsPerOp is { } n ? F(n, "0.00") + " / " : string.Empty) + F(d.WalBytesPerOp / 1024, "0.0");
        static string Offered(double? rate) => rate is { } r ? F(r) : "closed";
        static string Cpu(PhaseMetrics m) => F(m.ServerCpuMsPerOp, "0.00") + (m.DatabaseCpuMsPerOp is { } d ? $" +pg {F(d, "0.00")}" : string.Empty);

        if (options.Rate is not null || options.TokenRate is not null)
        {
            Row("offered rate/s (open loop)", _ => Offered(options.Rate) + " / " + Offered(options.TokenRate), null, "(reg / tokens; achieved = successes / wall, below)");
        }

        var ours = Ours;
        var scale = Scale;
        // An open-loop phase's rate is the offered one: its target is the p99 against the peer's at the same rate (issue 13).
        var openRegistrations = options.Rate is not null;
        var openTokens = options.TokenRate is not null;
        Row("registrations/s", r => Reg(r, m => F(m.PerSecond)), r => r.Registrations?.PerSecond, Targets(
            openRegistrations || Peer is null || ours?.Registrations is null ? null : $">= 1.5x peer ({Verdict(ours.Registrations.PerSecond >= 1.5 * Peer.Registrations!.PerSecond)})",
            openRegistrations || Duende?.Registrations is null || Plain?.Registrations is null ? null : $"duende >= 1.0x plain ({Verdict(Duende.Registrations.PerSecond >= Plain.Registrations.PerSecond)})"));
        Row("  p50 ms", r => Reg(r, m => F(m.P50Ms)), r => r.Registrations?.P50Ms, string.Empty);
        Row("  p95 ms", r => Reg(r, m => F(m.P95Ms)), r => r.Registrations?.P95Ms, string.Empty);
        Row("  p99 ms", r => Reg(r, m => F(m.P99Ms)), r => r.Registrations?.P99Ms, Targets(
            ours?.Registrations is null ? null : openRegistrations ? P99Target(ours.Registrations, Peer?.Registrations) : $"ours <= 20 ms at 16 ({Verdict(ours.Registrations.P99Ms <= 20)})",
            scale?.Registrations is null || ours?.Registrations is null ? null : $"@preload within 10% ({Verdict(scale.Registrations.P99Ms <= 1.1 * ours.Registrations.P99Ms)}: {F(scale.Registrations.P99Ms / ours.Registrations.P99Ms, "0.00")}x)"));
        Row("  errors", r => Reg(r, m => $"{m.Errors}/{m.Count}"), null, string.Empty);
        Row("  server CPU ms/reg", r => Reg(r, Cpu), RegistrationCpu, "(ratio incl. PostgreSQL)");
        Row("  PostgreSQL statements / WAL KB per reg", r => Reg(r, Work), null, "(pg_stat_statements, pg_current_wal_lsn)");
        Row("  load-run CPU ms/reg", r => Reg(r, m => F(m.LoadRunCpuMsPerOp, "0.00")), null, "(client + JWKS server)");
        Row("tokens/s", r => Tok(r, t => F(t.PerSecond)), r => r.Tokens?.PerSecond, Targets(
            openTokens || ours?.Tokens is null || Peer?.Tokens is null ? null : $"ours >= peer ({Verdict(ours.Tokens.PerSecond >= Peer.Tokens.PerSecond)})"));
        Row("  p50 ms", r => Tok(r, t => F(t.P50Ms)), r => r.Tokens?.P50Ms, string.Empty);
        Row("  p95 ms", r => Tok(r, t => F(t.P95Ms)), r => r.Tokens?.P95Ms, string.Empty);
        Row("  p99 ms", r => Tok(r, t => F(t.P99Ms)), r => r.Tokens?.P99Ms, Targets(
            openTokens && ours?.Tokens is not null ? P99Target(ours.Tokens, Peer?.Tokens) : null,
            scale?.Tokens is null || ours?.Tokens is null ? null : $"@preload within 10% ({Verdict(scale.Tokens.P99Ms <= 1.1 * ours.Tokens.P99Ms)})"));
        Row("  errors", r => Tok(r, t => $"{t.Errors}/{t.Count}"), null, string.Empty);
        Row("  server CPU ms/token", r => Tok(r, Cpu), TokenCpu, Targets(
            ours is null || Peer is null ? null : $"ours <= peer ({Verdict(TokenCpu(ours) <= TokenCpu(Peer))})",
            CpuTarget("ours", ours, "baseline", Baseline),
            CpuTarget("duende", Duende, "plain", Plain),
            "(ratios incl. PostgreSQL)"));
        Row("  PostgreSQL statements / WAL KB per token", r => Tok(r, Work), null, string.Empty);
        Row("  load-run CPU ms/token", r => Tok(r, t => F(t.LoadRunCpuMsPerOp, "0.00")), null, "(client)");
        Row("peak RSS MB (measured)", r => F(r.PeakRssBytes / 1048576.0, "0"), r => r.PeakRssBytes, Targets(
            ours is null ? null : $"ours <= 300 MB ({Verdict(ours.PeakRssBytes <= 300L * 1048576)})"));
        Row("idle RSS MB (after start)", r => F(r.Memory.IdleRssBytes / 1048576.0, "0"), r => r.Memory.IdleRssBytes, "(ready, before the warm-up)");
        Row("warm RSS MB", r => F(r.Memory.WarmRssBytes / 1048576.0, "0"), r => r.Memory.WarmRssBytes, "(after the warm-up, its connections closed)");
        Row("RSS MB, TPP connections open", r => F(r.Memory.OpenRssBytes / 1048576.0, "0"), r => r.Memory.OpenRssBytes, "(end of the token phase)");
        Row("  open TPP connections", r => r.Memory.Connections.ToString(CultureInfo.InvariantCulture), null, "(server sockets, open - warm)");
        Row("  RSS KB per open connection", r => F(r.Memory.RssPerConnectionBytes / 1024, "0"), r => r.Memory.RssPerConnectionBytes, "((open - warm) / connections)");
        Row("load avg before", r => (r.Registrations ?? r.Tokens)?.LoadAverageBefore ?? "n/a", null, "(1/5/15 min)");
        Row("load avg after run", r => (r.Tokens ?? r.Registrations)?.LoadAverageAfter ?? "n/a", null, string.Empty);
        Row("others' CPU (cores)", r => Reg(r, m => F(m.OtherProcessesCpuCores, "0.00")) + (r.Tokens is null ? string.Empty : " / " + F(r.Tokens.OtherProcessesCpuCores, "0.00")), null, "(reg / tokens; other users)");

        output.WriteLine();
        output.WriteLine($"IdentityServer.Dcr load run, {started:yyyy-MM-dd HH:mm} UTC: {options.Registrations} registrations per server, "
            + (options.Rate is { } r ? $"open loop at {r.ToString(CultureInfo.InvariantCulture)}/s (latency from the scheduled time)" : $"concurrency {options.Concurrency}")
            + (options.TokenRate is { } t && t != options.Rate ? $", tokens in an open loop at {t.ToString(CultureInfo.InvariantCulture)}/s" : string.Empty)
            + $", {options.TokensPerClient} token(s) per client"
            + (options.ConnectionClose ? ", connections closed after each registration" : ", each TPP's connection kept open for its token requests"));
        output.WriteLine($"machine: {machine.Summary}");
        if (options.HostEnvironment.Count > 0)
        {
            output.WriteLine($"host environment overrides: {string.Join(", ", options.HostEnvironment.Select(e => e.Key + "=" + e.Value))}");
        }

        output.WriteLine($"PostgreSQL: {postgreSql.Split(" on ")[0]} ({durability}); a fresh database per server");
        foreach (var run in runs)
        {
            output.WriteLine($"{run.Label}: {run.Server}, {run.Store}");
        }

        var widths = Enumerable.Range(0, header.Count).Select(i => Math.Max(header[i].Length, rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        output.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine(string.Join(" | ", row.Select((c, i) => i == 0 || i == row.Length - 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
        }

        foreach (var run in runs)
        {
            if (run.RegistrationsNote is not null)
            {
                output.WriteLine($"{run.Label}: registrations {run.RegistrationsNote}");
            }

            if (run.TokensNote is not null)
            {
                output.WriteLine($"{run.Label}: tokens not available: {run.TokensNote}");
            }

            if (run.QuietNote.StartsWith("NOT QUIET", StringComparison.Ordinal))
            {
                output.WriteLine($"{run.Label}: {run.QuietNote}");
            }
        }

        foreach (var notice in notices)
        {
            output.WriteLine($"NOTICE: {notice}");
        }

        if (preload is not null)
        {
            output.WriteLine($"preload: {preload.Rows:N0} registrations{(preload.OpenIddictApplications ? " + OpenIddict applications" : string.Empty)} by binary COPY in {preload.CopySeconds:0} s ({preload.TotalSeconds:0} s with VACUUM ANALYZE + CHECKPOINT); database {preload.DatabaseBytes / 1048576.0:0} MB");
        }

        output.WriteLine("Targets are printed, not asserted (issues 5 and 13). Figures from a shared 2-core machine: read them with the load averages.");
    }

    public string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{started:yyyyMMdd-HHmmss}.json");
        var ours = Ours;
        var peer = Peer;
        var scale = Scale;
        var document = new
        {
            started,
            options = new { options.Servers, options.Registrations, options.Concurrency, options.Warmup, options.TokensPerClient, options.Preload, options.KeyPool, options.HostEnvironment, options.ConnectionClose, options.Rate, options.TokenRate, options.PostgreSqlSettings },
            machine,
            postgreSql,
            durability,
            notices,
            runs,
            ratios = Pairs.ToDictionary(p => p.Header, p => new
            {
                registrationsPerSecond = Ratio(p.A.Registrations?.PerSecond, p.B.Registrations?.PerSecond),
                registrationP99 = Ratio(p.A.Registrations?.P99Ms, p.B.Registrations?.P99Ms),
                registrationCpu = Ratio(RegistrationCpu(p.A), RegistrationCpu(p.B)),
                tokensPerSecond = Ratio(p.A.Tokens?.PerSecond, p.B.Tokens?.PerSecond),
                tokenCpu = Ratio(TokenCpu(p.A), TokenCpu(p.B)),
                peakRss = Ratio(p.A.PeakRssBytes, p.B.PeakRssBytes),
                idleRss = Ratio(p.A.Memory.IdleRssBytes, p.B.Memory.IdleRssBytes),
                rssPerConnection = Ratio(p.A.Memory.RssPerConnectionBytes, p.B.Memory.RssPerConnectionBytes),
            }),
            preload,
            targets = new[]
            {
                new { target = "registrations/s >= 1.5x peer", met = options.Rate is not null || ours?.Registrations is null || peer?.Registrations is null ? null : (bool?)(ours.Registrations.PerSecond >= 1.5 * peer.Registrations.PerSecond) },
                new { target = "registration p99 <= 20 ms at 16", met = options.Rate is not null || ours?.Registrations is null ? null : (bool?)(ours.Registrations.P99Ms <= 20) },
                new { target = "tokens/s >= peer", met = options.TokenRate is not null || ours?.Tokens is null || peer?.Tokens is null ? null : (bool?)(ours.Tokens.PerSecond >= peer.Tokens.PerSecond) },
                new { target = "registration p99 @preload within 10%", met = scale?.Registrations is null || ours?.Registrations is null ? null : (bool?)(scale.Registrations.P99Ms <= 1.1 * ours.Registrations.P99Ms) },
                new { target = "token p99 @preload within 10%", met = scale?.Tokens is null || ours?.Tokens is null ? null : (bool?)(scale.Tokens.P99Ms <= 1.1 * ours.Tokens.P99Ms) },
                new { target = "host peak RSS <= 300 MB", met = ours is null ? null : (bool?)(ours.PeakRssBytes <= 300L * 1048576) },
                new { target = "ours CPU per token <= peer (incl. PostgreSQL)", met = ours is null || peer is null || TokenCpu(ours) is not { } x || TokenCpu(peer) is not { } y ? null : (bool?)(x <= y) },
                new { target = "open loop: registration p99 <= peer's at the same rate", met = options.Rate is null || ours?.Registrations is null || peer?.Registrations is null ? null : (bool?)(ours.Registrations.P99Ms <= peer.Registrations.P99Ms) },
                new { target = "open loop: token p99 <= peer's at the same rate", met = options.TokenRate is null || ours?.Tokens is null || peer?.Tokens is null ? null : (bool?)(ours.Tokens.P99Ms <= peer.Tokens.P99Ms) },
                new { target = "ours CPU per token <= 1.10x baseline (incl. PostgreSQL)", met = CpuMet(ours, Baseline) },
                new { target = "duende registrations/s >= 1.0x duende-plain", met = options.Rate is not null ? null : Duende?.Registrations is null || Plain?.Registrations is null ? null : (bool?)(Duende.Registrations.PerSecond >= Plain.Registrations.PerSecond) },
                new { target = "duende CPU per token <= 1.10x duende-plain (incl. PostgreSQL)", met = CpuMet(Duende, Plain) },
            },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Json));
        return path;
    }

    private ServerRun? Run(string label) => runs.FirstOrDefault(r => r.Label == label);

    /// <summary>Host CPU plus PostgreSQL's per token: the whole cost of a token on the server side.</summary>
    private static double? TokenCpu(ServerRun r) => Cpu(r.Tokens);

    private static double? RegistrationCpu(ServerRun r) => Cpu(r.Registrations);

    /// <summary>Server CPU per successful operation, PostgreSQL included; none when nothing succeeded.</summary>
    private static double? Cpu(PhaseMetrics? m) => m is null || m.Errors >= m.Count ? null : m.ServerCpuMsPerOp + (m.DatabaseCpuMsPerOp ?? 0);

    private static bool? CpuMet(ServerRun? a, ServerRun? b) => a is null || b is null || TokenCpu(a) is not { } x || TokenCpu(b) is not { } y ? null : x <= 1.1 * y;

    private static string? CpuTarget(string a, ServerRun? runA, string b, ServerRun? runB)
        => runA is null || runB is null ? null : $"{a} <= 1.10x {b} ({Verdict(CpuMet(runA, runB))}: {RatioText(TokenCpu(runA), TokenCpu(runB))})";

    /// <summary>Issue 13's open-loop target: ours' p99 at most the peer's at the same offered rate.</summary>
    private static string? P99Target(PhaseMetrics ours, PhaseMetrics? peer)
        => peer is null ? null : $"open loop: ours <= peer ({Verdict(ours.P99Ms <= peer.P99Ms)})";

    private static string Targets(params string?[] targets) => string.Join("; ", targets.Where(t => !string.IsNullOrEmpty(t)));

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 && !double.IsNaN(x) ? x / y : null;

    private static string RatioText(double? a, double? b) => Ratio(a, b) is { } r ? F(r, "0.00") + "x" : "n/a";

    private static string F(double? v, string format = "0.0") => v is { } x && !double.IsNaN(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Verdict(bool? met) => met switch { true => "met", false => "MISSED", null => "n/a" };
}
