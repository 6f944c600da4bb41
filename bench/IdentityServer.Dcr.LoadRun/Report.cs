// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>The one table (both servers side by side, our/peer ratios, the issue's targets) and the same as JSON.</summary>
public sealed class Report(LoadRunOptions options, Machine machine, string postgreSql, string durability, DateTimeOffset started, IReadOnlyList<ServerRun> runs, PreloadResult? preload)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private ServerRun Ours => runs[0];

    private ServerRun? Peer => runs.FirstOrDefault(r => r.Label == "peer");

    private ServerRun? Scale => runs.FirstOrDefault(r => r.Label == "ours @preload");

    public void Print(TextWriter output)
    {
        var columns = new List<ServerRun> { Ours };
        if (Peer is not null)
        {
            columns.Add(Peer);
        }

        if (Scale is not null)
        {
            columns.Add(Scale);
        }

        var header = new List<string> { "metric" };
        header.AddRange(columns.Select(c => c.Label));
        if (Peer is not null)
        {
            header.Add("ours/peer");
        }

        header.Add("target");
        var rows = new List<string[]>();
        void Row(string name, Func<ServerRun, string> value, string ratio, string target)
        {
            var row = new List<string> { name };
            row.AddRange(columns.Select(value));
            if (Peer is not null)
            {
                row.Add(ratio);
            }

            row.Add(target);
            rows.Add([.. row]);
        }

        static string F(double? v, string format = "0.0") => v is { } x && !double.IsNaN(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";
        string Ratio(Func<ServerRun, double?> value) => Peer is not null && value(Ours) is { } a && value(Peer) is { } b && b > 0 ? F(a / b, "0.00") + "x" : "n/a";
        static string Tok(ServerRun r, Func<PhaseMetrics, string> f) => r.Tokens is null ? "not available" : f(r.Tokens);

        if (options.Rate is { } offered)
        {
            Row("offered rate/s (open loop)", _ => F(offered), string.Empty, "achieved = successes / wall, below");
        }

        var reg = Ratio(r => r.Registrations.PerSecond);
        Row("registrations/s", r => F(r.Registrations.PerSecond), reg, $">= 1.5x peer ({Verdict(Peer is null ? null : Ours.Registrations.PerSecond >= 1.5 * Peer.Registrations.PerSecond)})");
        Row("  p50 ms", r => F(r.Registrations.P50Ms), Ratio(r => r.Registrations.P50Ms), string.Empty);
        Row("  p95 ms", r => F(r.Registrations.P95Ms), Ratio(r => r.Registrations.P95Ms), string.Empty);
        Row("  p99 ms", r => F(r.Registrations.P99Ms), Ratio(r => r.Registrations.P99Ms), $"<= 20 ms at 16 ({Verdict(Ours.Registrations.P99Ms <= 20)})"
            + (Scale is null ? string.Empty : $"; @preload within 10% ({Verdict(Scale.Registrations.P99Ms <= 1.1 * Ours.Registrations.P99Ms)}: {F(Scale.Registrations.P99Ms / Ours.Registrations.P99Ms, "0.00")}x)"));
        Row("  errors", r => $"{r.Registrations.Errors}/{r.Registrations.Count}", string.Empty, string.Empty);
        Row("  server CPU ms/reg", r => F(r.Registrations.ServerCpuMsPerOp, "0.00") + (r.Registrations.DatabaseCpuMsPerOp is { } d ? $" +pg {F(d, "0.00")}" : string.Empty), Ratio(r => r.Registrations.ServerCpuMsPerOp + (r.Registrations.DatabaseCpuMsPerOp ?? 0)), "(ratio incl. PostgreSQL)");
        Row("  load-run CPU ms/reg", r => F(r.Registrations.LoadRunCpuMsPerOp, "0.00"), string.Empty, "(client + JWKS server)");
        Row("tokens/s", r => Tok(r, t => F(t.PerSecond)), Ratio(r => r.Tokens?.PerSecond), $">= peer ({Verdict(Ours.Tokens is null || Peer?.Tokens is null ? null : Ours.Tokens.PerSecond >= Peer.Tokens.PerSecond)})");
        Row("  p50 ms", r => Tok(r, t => F(t.P50Ms)), Ratio(r => r.Tokens?.P50Ms), string.Empty);
        Row("  p95 ms", r => Tok(r, t => F(t.P95Ms)), Ratio(r => r.Tokens?.P95Ms), string.Empty);
        Row("  p99 ms", r => Tok(r, t => F(t.P99Ms)), Ratio(r => r.Tokens?.P99Ms), Scale is null ? string.Empty
            : $"@preload within 10% ({Verdict(Scale.Tokens is null || Ours.Tokens is null ? null : Scale.Tokens.P99Ms <= 1.1 * Ours.Tokens.P99Ms)})");
        Row("  errors", r => Tok(r, t => $"{t.Errors}/{t.Count}"), string.Empty, string.Empty);
        Row("  server CPU ms/token", r => Tok(r, t => F(t.ServerCpuMsPerOp, "0.00") + (t.DatabaseCpuMsPerOp is { } d ? $" +pg {F(d, "0.00")}" : string.Empty)), Ratio(r => r.Tokens is null ? null : r.Tokens.ServerCpuMsPerOp + (r.Tokens.DatabaseCpuMsPerOp ?? 0)), string.Empty);
        Row("peak RSS MB (measured)", r => F(r.PeakRssBytes / 1048576.0, "0"), Ratio(r => r.PeakRssBytes), $"<= 300 MB ({Verdict(Ours.PeakRssBytes <= 300L * 1048576)})");
        Row("load avg before reg", r => r.Registrations.LoadAverageBefore, string.Empty, "(1/5/15 min)");
        Row("load avg after run", r => (r.Tokens ?? r.Registrations).LoadAverageAfter, string.Empty, string.Empty);
        Row("others' CPU (cores)", r => F(r.Registrations.OtherProcessesCpuCores, "0.00") + (r.Tokens is null ? string.Empty : " / " + F(r.Tokens.OtherProcessesCpuCores, "0.00")), string.Empty, "(reg / tokens; other users)");

        output.WriteLine();
        output.WriteLine($"IdentityServer.Dcr load run, {started:yyyy-MM-dd HH:mm} UTC: {options.Registrations} registrations per server, "
            + (options.Rate is { } r ? $"open loop at {r.ToString(CultureInfo.InvariantCulture)}/s (latency from the scheduled time)" : $"concurrency {options.Concurrency}") + $", {options.TokensPerClient} token(s) per client"
            + (options.ConnectionClose ? ", connections closed after each registration" : ", each TPP's connection kept open for its token requests"));
        output.WriteLine($"machine: {machine.Summary}");
        if (options.HostEnvironment.Count > 0)
        {
            output.WriteLine($"host environment overrides: {string.Join(", ", options.HostEnvironment.Select(e => e.Key + "=" + e.Value))}");
        }

        output.WriteLine($"ours: {Ours.Server} on {postgreSql.Split(" on ")[0]} ({durability}); peer: {Peer?.Server ?? "not run"}, {Peer?.Store}");
        var widths = Enumerable.Range(0, header.Count).Select(i => Math.Max(header[i].Length, rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        output.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine(string.Join(" | ", row.Select((c, i) => i == 0 || i == row.Length - 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
        }

        foreach (var run in runs)
        {
            if (run.TokensNote is not null)
            {
                output.WriteLine($"{run.Label}: tokens not available: {run.TokensNote}");
            }

            if (run.QuietNote.StartsWith("NOT QUIET", StringComparison.Ordinal))
            {
                output.WriteLine($"{run.Label}: {run.QuietNote}");
            }
        }

        if (preload is not null)
        {
            output.WriteLine($"preload: {preload.Rows:N0} registrations{(preload.OpenIddictApplications ? " + OpenIddict applications" : string.Empty)} by binary COPY in {preload.CopySeconds:0} s ({preload.TotalSeconds:0} s with VACUUM ANALYZE + CHECKPOINT); database {preload.DatabaseBytes / 1048576.0:0} MB");
        }

        output.WriteLine("Targets are printed, not asserted (issue 5). Figures from a shared 2-core machine: read them with the load averages.");
    }

    public string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{started:yyyyMMdd-HHmmss}.json");
        var document = new
        {
            started,
            options = new { options.Registrations, options.Concurrency, options.Warmup, options.TokensPerClient, options.Preload, options.KeyPool, options.HostEnvironment, options.ConnectionClose },
            machine,
            postgreSql,
            durability,
            runs,
            ratios = Peer is null ? null : new
            {
                registrationsPerSecond = Ours.Registrations.PerSecond / Peer.Registrations.PerSecond,
                registrationP99 = Ours.Registrations.P99Ms / Peer.Registrations.P99Ms,
                tokensPerSecond = Ours.Tokens is null || Peer.Tokens is null ? (double?)null : Ours.Tokens.PerSecond / Peer.Tokens.PerSecond,
                peakRss = (double)Ours.PeakRssBytes / Peer.PeakRssBytes,
            },
            preload,
            targets = new[]
            {
                new { target = "registrations/s >= 1.5x peer", met = Peer is null ? (bool?)null : Ours.Registrations.PerSecond >= 1.5 * Peer.Registrations.PerSecond },
                new { target = "registration p99 <= 20 ms at 16", met = (bool?)(Ours.Registrations.P99Ms <= 20) },
                new { target = "tokens/s >= peer", met = Ours.Tokens is null || Peer?.Tokens is null ? null : (bool?)(Ours.Tokens.PerSecond >= Peer.Tokens.PerSecond) },
                new { target = "registration p99 @preload within 10%", met = Scale is null ? null : (bool?)(Scale.Registrations.P99Ms <= 1.1 * Ours.Registrations.P99Ms) },
                new { target = "token p99 @preload within 10%", met = Scale?.Tokens is null || Ours.Tokens is null ? null : (bool?)(Scale.Tokens.P99Ms <= 1.1 * Ours.Tokens.P99Ms) },
                new { target = "host peak RSS <= 300 MB", met = (bool?)(Ours.PeakRssBytes <= 300L * 1048576) },
            },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Json));
        return path;
    }

    private static string Verdict(bool? met) => met switch { true => "met", false => "MISSED", null => "n/a" };
}
