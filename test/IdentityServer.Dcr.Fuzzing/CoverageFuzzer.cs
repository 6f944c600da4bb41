// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IdentityServer.Dcr.Fuzzing;

/// <summary>What one target's run found.</summary>
/// <param name="Target">The target name.</param>
/// <param name="Executions">How many inputs ran.</param>
/// <param name="Seconds">How long the fuzzing phase ran.</param>
/// <param name="EdgesAtStart">Edges covered after the seed corpus.</param>
/// <param name="EdgesAtEnd">Edges covered at the end.</param>
/// <param name="CorpusSize">Inputs kept (seeds and new coverage).</param>
/// <param name="Findings">The distinct findings and where each was saved.</param>
internal sealed record FuzzRunResult(string Target, long Executions, double Seconds, int EdgesAtStart, int EdgesAtEnd, int CorpusSize, IReadOnlyList<FuzzFinding> Findings);

/// <summary>One distinct finding (the first input of its signature) and how many inputs hit it.</summary>
/// <param name="Signature">Kind and place, for example <c>System.InvalidOperationException at JwkReader.TryGetString</c>.</param>
/// <param name="File">The saved input.</param>
/// <param name="Hits">How many inputs hit it.</param>
internal sealed record FuzzFinding(string Signature, string File, int Hits);

/// <summary>
/// The in-process coverage-guided loop (AFL's algorithm on SharpFuzz's edge map): run the seeds, then mutate random
/// corpus entries and keep each child that reaches a new edge or a new hit-count bucket of a known edge. An exception
/// escaping the target, an input slower than the time limit, or a process that died on an input (seen at the next
/// start) is a finding.
/// </summary>
internal sealed unsafe class CoverageFuzzer : IDisposable
{
    private static readonly byte[] BucketOf = BuildBuckets();

    private readonly string _target;
    private readonly FuzzAction _action;
    private readonly byte* _map;
    private readonly byte[] _virgin = new byte[Instrumentation.MapSize];
    private readonly List<byte[]> _corpus = [];
    private readonly HashSet<string> _corpusHashes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FuzzFinding> _findings = new(StringComparer.Ordinal);
    private readonly Lock _findingsLock = new();
    private readonly Random _random;
    private readonly Mutator _mutator;
    private readonly string _corpusDirectory;
    private readonly string _findingsDirectory;
    private readonly IReadOnlyList<string> _seedDirectories;
    private readonly TimeSpan _timeout;
    private readonly InflightRecorder _inflight;
    private readonly TextWriter _output;
    private int _edges;

    // Watched by the time-limit thread: the running input and when it started (0: none running).
    private byte[]? _current;
    private long _startedAt;
    private long _executionId;
    private long _timedOutId = -1;

    public CoverageFuzzer(string target, FuzzAction action, byte* map, FuzzRunSettings settings, TextWriter output)
    {
        _target = target;
        _action = action;
        _map = map;
        _output = output;
        _random = new Random(settings.Seed);
        _mutator = new Mutator(_random, FuzzDictionaries.For(target), FuzzDictionaries.MaxLength(target), FuzzDictionaries.IsCompactJws(target));
        _corpusDirectory = Path.Combine(settings.CorpusRoot, target);
        _findingsDirectory = Path.Combine(settings.FindingsRoot, target);
        _seedDirectories = settings.SeedRoots.Select(root => Path.Combine(root, target)).ToList();
        _timeout = settings.Timeout;
        Directory.CreateDirectory(_corpusDirectory);
        Directory.CreateDirectory(_findingsDirectory);
        _inflight = new InflightRecorder(Path.Combine(_corpusDirectory, "..", $".inflight-{target}"), FuzzDictionaries.MaxLength(target));
    }

    public void Dispose() => _inflight.Dispose();

    /// <summary>Runs the seeds, then fuzzes for <paramref name="duration"/>.</summary>
    /// <param name="duration">How long to fuzz after the seeds.</param>
    /// <param name="checkpoint">How often to print the coverage.</param>
    /// <returns>The figures and findings.</returns>
    public FuzzRunResult Run(TimeSpan duration, TimeSpan checkpoint)
    {
        if (_inflight.TryTakeCrashed(out var crashed))
        {
            RecordFinding("process died (previous run)", crashed, null);
        }

        using var watchdog = new Timer(_ => CheckTimeLimit(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        var seeds = _seedDirectories.Append(_corpusDirectory).SelectMany(ListInputs).ToList();
        foreach (var seed in seeds)
        {
            Execute(seed, timed: false);
            AddToCorpus(seed, save: false);
        }

        if (_corpus.Count == 0)
        {
            AddToCorpus([], save: false);
        }

        if (_edges == 0)
        {
            throw new InvalidOperationException("The seeds covered no edge: IdentityServer.Dcr.dll runs without instrumentation.");
        }

        var edgesAtStart = _edges;
        _output.WriteLine($"[{_target}] seeds: {seeds.Count} inputs, {edgesAtStart} edges");
        var clock = Stopwatch.StartNew();
        var nextCheckpoint = checkpoint;
        long executions = 0;
        while (clock.Elapsed < duration)
        {
            var parent = Pick();
            var child = _mutator.Mutate(parent, Pick());
            executions++;
            if (Execute(child, timed: true))
            {
                AddToCorpus(child, save: true);
            }

            if (clock.Elapsed >= nextCheckpoint)
            {
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{_target}] {clock.Elapsed.TotalSeconds,5:F0} s: {executions} execs ({executions / clock.Elapsed.TotalSeconds:F0}/s), {_edges} edges, corpus {_corpus.Count}, findings {_findings.Count}"));
                nextCheckpoint += checkpoint;
            }
        }

        lock (_findingsLock)
        {
            return new FuzzRunResult(_target, executions, clock.Elapsed.TotalSeconds, edgesAtStart, _edges, _corpus.Count, [.. _findings.Values]);
        }
    }

    // Newer entries (deeper coverage) are picked more often than the seeds, but every entry keeps a chance.
    private byte[] Pick()
    {
        var count = _corpus.Count;
        var index = _random.Next(2) == 0 ? _random.Next(count) : count - 1 - _random.Next(Math.Min(count, 64));
        return _corpus[index];
    }

    /// <summary>Runs one input; whether it reached a new edge or a new hit-count bucket.</summary>
    private bool Execute(byte[] input, bool timed)
    {
        new Span<byte>(_map, Instrumentation.MapSize).Clear();
        SharpFuzz.Common.Trace.PrevLocation = 0;
        _inflight.Begin(input);
        var id = Interlocked.Increment(ref _executionId);
        Volatile.Write(ref _current, input);
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref _startedAt, timed ? started : 0);
        try
        {
            _action(input);
        }
#pragma warning disable CA1031 // Any exception escaping the target is the finding.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RecordFinding(Signature(ex), input, ex);
        }
        finally
        {
            Volatile.Write(ref _startedAt, 0);
            _inflight.End();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (timed && elapsed > _timeout && Interlocked.Read(ref _timedOutId) != id)
        {
            RecordFinding("timeout", input, null, $"took {elapsed.TotalMilliseconds:F0} ms");
        }

        return Classify();
    }

    // Called every 100 ms on a timer thread: reports an input running past the limit while it still runs, and ends
    // the process when one runs ten times longer (a real hang cannot be interrupted in-process).
    private void CheckTimeLimit()
    {
        var started = Volatile.Read(ref _startedAt);
        if (started == 0)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var id = Interlocked.Read(ref _executionId);
        var input = Volatile.Read(ref _current);
        if (elapsed > _timeout && input is not null && Interlocked.Exchange(ref _timedOutId, id) != id)
        {
            RecordFinding("timeout", input, null, $"still running after {elapsed.TotalMilliseconds:F0} ms");
        }

        if (elapsed > _timeout * 10)
        {
            _output.WriteLine($"[{_target}] hang: an input has run for {elapsed.TotalSeconds:F0} s; stopping (the input is saved above).");
            _output.Flush();
            Environment.Exit(3);
        }
    }

    private bool Classify()
    {
        var interesting = false;
        var words = (ulong*)_map;
        for (var w = 0; w < Instrumentation.MapSize / sizeof(ulong); w++)
        {
            if (words[w] == 0)
            {
                continue;
            }

            for (var i = w * sizeof(ulong); i < (w + 1) * sizeof(ulong); i++)
            {
                var hits = _map[i];
                if (hits == 0)
                {
                    continue;
                }

                var bucket = BucketOf[hits];
                if ((_virgin[i] & bucket) != 0)
                {
                    continue;
                }

                if (_virgin[i] == 0)
                {
                    _edges++;
                }

                _virgin[i] |= bucket;
                interesting = true;
            }
        }

        return interesting;
    }

    private void AddToCorpus(byte[] input, bool save)
    {
        var hash = Hash(input);
        if (!_corpusHashes.Add(hash))
        {
            return;
        }

        _corpus.Add(input);
        if (save)
        {
            File.WriteAllBytes(Path.Combine(_corpusDirectory, hash), input);
        }
    }

    private void RecordFinding(string signature, byte[] input, Exception? exception, string? detail = null)
    {
        lock (_findingsLock)
        {
            if (_findings.TryGetValue(signature, out var known))
            {
                _findings[signature] = known with { Hits = known.Hits + 1 };
                return;
            }

            var path = Path.Combine(_findingsDirectory, Hash(input));
            File.WriteAllBytes(path, input);
            var log = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"target: {_target}")
                .AppendLine(CultureInfo.InvariantCulture, $"signature: {signature}")
                .AppendLine(CultureInfo.InvariantCulture, $"detail: {detail ?? exception?.ToString() ?? "(none)"}");
            File.WriteAllText(path + ".log", log.ToString());
            _findings[signature] = new FuzzFinding(signature, path, 1);
            _output.WriteLine($"[{_target}] FINDING {signature}: {path}");
        }
    }

    // The exception type and the innermost engine method it escaped from, so that one bug is one finding.
    private static string Signature(Exception exception)
    {
        if (exception is FuzzInvariantException)
        {
            return $"invariant broken: {exception.Message}";
        }

        var frame = new StackTrace(exception, fNeedFileInfo: false).GetFrames()
            .Select(f => f.GetMethod())
            .FirstOrDefault(m => m?.DeclaringType?.Namespace is { } ns
                && ns.StartsWith("IdentityServer.Dcr", StringComparison.Ordinal)
                && !ns.StartsWith("IdentityServer.Dcr.Fuzzing", StringComparison.Ordinal));
        var where = frame is null ? "(outside the engine)" : $"{frame.DeclaringType!.Name}.{frame.Name}";
        return $"{exception.GetType().FullName} at {where}";
    }

    private static IEnumerable<byte[]> ListInputs(string directory) => !Directory.Exists(directory)
        ? []
        : Directory.EnumerateFiles(directory)
            .Where(IsInputFile)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes);

    /// <summary>Whether a file of a corpus or findings folder is an input (not a log, a README or the in-flight record).</summary>
    /// <param name="path">The file.</param>
    /// <returns><see langword="true"/> for inputs.</returns>
    internal static bool IsInputFile(string path)
    {
        var name = Path.GetFileName(path);
        return !name.StartsWith('.') && !name.EndsWith(".log", StringComparison.Ordinal) && !name.StartsWith("README", StringComparison.Ordinal);
    }

    private static string Hash(byte[] input) => Convert.ToHexStringLower(SHA256.HashData(input))[..16];

    // AFL's hit-count classes: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128-255.
    private static byte[] BuildBuckets()
    {
        var buckets = new byte[256];
        for (var hits = 1; hits < 256; hits++)
        {
            buckets[hits] = hits switch
            {
                1 => 1,
                2 => 2,
                3 => 4,
                < 8 => 8,
                < 16 => 16,
                < 32 => 32,
                < 128 => 64,
                _ => 128,
            };
        }

        return buckets;
    }
}

/// <summary>The settings of a fuzzing run.</summary>
/// <param name="Seed">The random seed.</param>
/// <param name="CorpusRoot">Where new corpus entries go, one folder per target.</param>
/// <param name="FindingsRoot">Where findings go, one folder per target.</param>
/// <param name="SeedRoots">The committed seed folders (corpus and findings), one folder per target under each.</param>
/// <param name="Timeout">The time limit of one input.</param>
internal sealed record FuzzRunSettings(int Seed, string CorpusRoot, string FindingsRoot, IReadOnlyList<string> SeedRoots, TimeSpan Timeout);
