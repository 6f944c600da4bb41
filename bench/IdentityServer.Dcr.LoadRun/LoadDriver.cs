// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>Sends pre-built requests at a fixed concurrency and measures wall-clock throughput and per-request latency.</summary>
public static class LoadDriver
{
    /// <summary>The outcome of one request: its status (0 for a transport failure) and, for a success, the body.</summary>
    public readonly record struct Outcome(int Status, string? Body);

    /// <summary>
    /// Runs <paramref name="count"/> operations, <paramref name="concurrency"/> at a time. <paramref name="send"/> builds and sends request
    /// <c>i</c> (the building is cheap: everything signed was signed before). Requests whose status is not <paramref name="expected"/> count as errors.
    /// </summary>
    public static async Task<PhaseResult> RunAsync(string name, int count, int concurrency, HttpStatusCode expected, Func<int, CancellationToken, Task<HttpResponseMessage>> send, bool keepBodies, CancellationToken ct)
    {
        var latencies = new double[count];
        var outcomes = new Outcome[count];
        var errors = new ConcurrentDictionary<string, int>();
        var samples = new ConcurrentQueue<string>();
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                ct.ThrowIfCancellationRequested();
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await send(i, ct);
                    var body = await response.Content.ReadAsStringAsync(ct);
                    latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    var ok = response.StatusCode == expected;
                    outcomes[i] = new Outcome((int)response.StatusCode, ok && keepBodies ? body : null);
                    if (!ok)
                    {
                        errors.AddOrUpdate(((int)response.StatusCode).ToString(), 1, (_, n) => n + 1);
                        if (samples.Count < 5)
                        {
                            samples.Enqueue($"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    outcomes[i] = new Outcome(0, null);
                    errors.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                    if (samples.Count < 5)
                    {
                        samples.Enqueue($"{ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message}");
                    }
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        var wall = Stopwatch.GetElapsedTime(started);
        return new PhaseResult(name, count, concurrency, wall, latencies, outcomes, new Dictionary<string, int>(errors), [.. samples]);
    }
}

/// <summary>The open-loop driver (<c>--rate</c>).</summary>
public static class OpenLoopDriver
{
    /// <summary>
    /// Sends request <c>i</c> at <c>start + i / rate</c> whatever the earlier answers, so a slow server builds a queue
    /// instead of slowing the sender (no coordinated omission). Latency runs from each request's scheduled time, so time
    /// spent waiting for a free slot (at most <paramref name="maxInFlight"/>) counts. <see cref="PhaseResult.Wall"/>
    /// ends with the last answer: achieved rate = successes / wall, to compare with the offered one.
    /// </summary>
    public static async Task<PhaseResult> RunAsync(string name, int count, double rate, int maxInFlight, HttpStatusCode expected, Func<int, CancellationToken, Task<HttpResponseMessage>> send, bool keepBodies, CancellationToken ct)
    {
        var latencies = new double[count];
        var outcomes = new LoadDriver.Outcome[count];
        var errors = new ConcurrentDictionary<string, int>();
        var samples = new ConcurrentQueue<string>();
        using var slots = new SemaphoreSlim(maxInFlight);
        var startedUtc = DateTime.UtcNow;
        var started = Stopwatch.GetTimestamp();
        var gcPause0 = GC.GetTotalPauseDuration();
        var lags = new long[count];
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var scheduled = started + (long)(i / rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, ct);
            }

            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                await slots.WaitAsync(ct);
                try
                {
                    // How late the load run itself sends: a stall of the sender would otherwise pass for the server's.
                    lags[index] = Stopwatch.GetTimestamp() - scheduled;
                    using var response = await send(index, ct);
                    var body = await response.Content.ReadAsStringAsync(ct);
                    latencies[index] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
                    var ok = response.StatusCode == expected;
                    outcomes[index] = new LoadDriver.Outcome((int)response.StatusCode, ok && keepBodies ? body : null);
                    if (!ok)
                    {
                        errors.AddOrUpdate(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                        if (samples.Count < 5)
                        {
                            samples.Enqueue($"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    latencies[index] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
                    outcomes[index] = new LoadDriver.Outcome(0, null);
                    errors.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                }
                finally
                {
                    slots.Release();
                }
            }, ct);
        }

        await Task.WhenAll(tasks);
        return new PhaseResult(name, count, maxInFlight, Stopwatch.GetElapsedTime(started), latencies, outcomes, new Dictionary<string, int>(errors), [.. samples], rate)
        {
            MaxSendLagMs = (count == 0 ? 0 : lags.Max()) * 1000.0 / Stopwatch.Frequency,
            LoadRunGcPauseMs = (GC.GetTotalPauseDuration() - gcPause0).TotalMilliseconds,
            StartedUtc = startedUtc,
        };
    }
}

/// <summary>What one phase measured; <paramref name="OfferedRate"/> is set for an open-loop phase.</summary>
public sealed record PhaseResult(string Name, int Count, int Concurrency, TimeSpan Wall, double[] Latencies, LoadDriver.Outcome[] Outcomes, IReadOnlyDictionary<string, int> Errors, IReadOnlyList<string> ErrorSamples, double? OfferedRate = null)
{
    public int ErrorCount => Errors.Values.Sum();

    /// <summary>Open loop: the latest the load run sent a request after its scheduled time (its own stalls, not the server's).</summary>
    public double? MaxSendLagMs { get; init; }

    /// <summary>Open loop: the load run's own GC pauses during the phase.</summary>
    public double? LoadRunGcPauseMs { get; init; }

    /// <summary>Open loop: when request 0 was scheduled; request <c>i</c> was scheduled <c>i / OfferedRate</c> seconds later.</summary>
    public DateTime? StartedUtc { get; init; }

    public double PerSecond => (Count - ErrorCount) / Wall.TotalSeconds;

    /// <summary>
    /// Open loop: the episodes of slow answers (over <paramref name="thresholdMs"/>), requests scheduled less than a second apart
    /// counting as one, with their scheduled wall-clock times (UTC), so that a stall can be lined up with the server's,
    /// PostgreSQL's and the machine's logs. At most <paramref name="max"/>, slowest first.
    /// </summary>
    public IReadOnlyList<(DateTime From, DateTime To, int Requests, double MaxMs)> SlowEpisodes(double thresholdMs, int max = 5)
    {
        if (StartedUtc is not { } start || OfferedRate is not { } rate)
        {
            return [];
        }

        var episodes = new List<(DateTime From, DateTime To, int Requests, double MaxMs)>();
        var last = double.NegativeInfinity;
        for (var i = 0; i < Latencies.Length; i++)
        {
            if (Latencies[i] <= thresholdMs)
            {
                continue;
            }

            var at = i / rate;
            var time = start.AddSeconds(at);
            if (at - last < 1 && episodes.Count > 0)
            {
                var e = episodes[^1];
                episodes[^1] = (e.From, time, e.Requests + 1, Math.Max(e.MaxMs, Latencies[i]));
            }
            else
            {
                episodes.Add((time, time, 1, Latencies[i]));
            }

            last = at;
        }

        return [.. episodes.OrderByDescending(e => e.MaxMs).Take(max)];
    }

    public double Percentile(double p)
    {
        var sorted = Latencies.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
