// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace IdentityServer.Dcr.Fuzzing;

/// <summary>
/// <c>dotnet run -c Release --project test/IdentityServer.Dcr.Fuzzing -- [--target body|jws|dn|jwks|all]
/// [--seconds N] [--seed S] [--corpus DIR] [--findings DIR] [--timeout-ms N] [--libfuzzer] [--replay FILE]</c>.
/// </summary>
internal static class Program
{
    private const string Usage = """
        Coverage-guided fuzzing of the Internet-facing parsers of IdentityServer.Dcr (SharpFuzz instrumentation).

        Usage: dotnet run -c Release --project test/IdentityServer.Dcr.Fuzzing -- [options]
          --target body|jws|dn|jwks|all   the target (default all, one after the other)
          --seconds N                     fuzzing time per target (default 60)
          --seed S                        random seed (default 1)
          --corpus DIR                    where new corpus entries go, per target (default artifacts/fuzz/corpus)
          --findings DIR                  where findings go, per target (default artifacts/fuzz/findings)
          --timeout-ms N                  time limit of one input (default 1000)
          --libfuzzer                     hand the target to SharpFuzz.Fuzzer.LibFuzzer.Run (libfuzzer-dotnet)
          --replay FILE                   run one input through --target and print what it throws
        Exit code: 0 no finding, 1 findings, 2 usage error, 3 hang.
        """;

    private static int Main(string[] args)
    {
        if (!TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (options is null)
        {
            Console.WriteLine(Usage);
            return 0;
        }

        // Before anything touches IdentityServer.Dcr: its assembly is rewritten in place.
        var instrumented = Instrumentation.EnsureInstrumented();
        Console.WriteLine(instrumented
            ? $"Instrumented {Instrumentation.EngineAssemblyPath} with SharpFuzz."
            : $"{Instrumentation.EngineAssemblyPath} is already instrumented.");
        return options.LibFuzzer ? RunLibFuzzer(options.Targets[0])
            : options.Replay is not null ? Replay(options.Targets[0], options.Replay)
            : RunInProcess(options);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe int Replay(string target, string file)
    {
        _ = Instrumentation.AttachCoverageMap();
        try
        {
            FuzzTargets.Get(target)(File.ReadAllBytes(file));
            Console.WriteLine($"{file}: no finding");
            return 0;
        }
#pragma warning disable CA1031 // Any exception escaping the target is the finding.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Console.WriteLine($"{file}: {ex}");
            return 1;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunLibFuzzer(string target)
    {
        var action = FuzzTargets.Get(target);
        SharpFuzz.Fuzzer.LibFuzzer.Run(span => action(span));
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe int RunInProcess(CommandOptions options)
    {
        var map = Instrumentation.AttachCoverageMap();
        var settings = new FuzzRunSettings(options.Seed, options.CorpusRoot, options.FindingsRoot, [Path.Combine(ProjectDirectory, "corpus"), Path.Combine(ProjectDirectory, "findings")], options.Timeout);
        var results = new List<FuzzRunResult>();
        foreach (var target in options.Targets)
        {
            using var fuzzer = new CoverageFuzzer(target, FuzzTargets.Get(target), map, settings, Console.Out);
            results.Add(fuzzer.Run(TimeSpan.FromSeconds(options.Seconds), TimeSpan.FromSeconds(10)));
        }

        Console.WriteLine();
        Console.WriteLine("target  executions   exec/s  edges(start)  edges(end)  corpus  findings");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Target,-6} {r.Executions,11} {r.Executions / r.Seconds,8:F0} {r.EdgesAtStart,13} {r.EdgesAtEnd,11} {r.CorpusSize,7} {r.Findings.Count,9}"));
        }

        foreach (var finding in results.SelectMany(r => r.Findings.Select(f => (r.Target, f))))
        {
            Console.WriteLine($"finding [{finding.Target}] {finding.f.Signature} ({finding.f.Hits} inputs): {finding.f.File}");
        }

        return results.Any(r => r.Findings.Count > 0) ? 1 : 0;
    }

    private static string ProjectDirectory =>
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "ProjectDirectory").Value!;

    private static string ArtifactsDirectory => Path.GetFullPath(Path.Combine(ProjectDirectory, "..", "..", "artifacts", "fuzz"));

    private static bool TryParse(string[] args, out CommandOptions? options, out string? error)
    {
        options = null;
        error = null;
        var target = "all";
        var seconds = 60;
        var seed = 1;
        var timeoutMs = 1000;
        var corpus = Path.Combine(ArtifactsDirectory, "corpus");
        var findings = Path.Combine(ArtifactsDirectory, "findings");
        var libFuzzer = false;
        string? replay = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return true;
            }

            if (name == "--libfuzzer")
            {
                libFuzzer = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return false;
            }

            var value = args[++i];
            var ok = true;
            switch (name)
            {
                case "--target":
                    target = value;
                    break;
                case "--seconds":
                    ok = int.TryParse(value, CultureInfo.InvariantCulture, out seconds) && seconds > 0;
                    break;
                case "--seed":
                    ok = int.TryParse(value, CultureInfo.InvariantCulture, out seed);
                    break;
                case "--timeout-ms":
                    ok = int.TryParse(value, CultureInfo.InvariantCulture, out timeoutMs) && timeoutMs > 0;
                    break;
                case "--corpus":
                    corpus = Path.GetFullPath(value);
                    break;
                case "--replay":
                    replay = Path.GetFullPath(value);
                    break;
                case "--findings":
                    findings = Path.GetFullPath(value);
                    break;
                default:
                    ok = false;
                    break;
            }

            if (!ok)
            {
                error = $"Bad option or value: {name} {value}";
                return false;
            }
        }

        string[] targets = target == "all" ? FuzzTargetNames : [target];
        if (!targets.All(FuzzTargetNames.Contains) || ((libFuzzer || replay is not null) && targets.Length != 1))
        {
            error = targets.Length != 1 ? "--libfuzzer and --replay need one --target." : $"Unknown target '{target}'.";
            return false;
        }

        options = new CommandOptions(targets, seconds, seed, corpus, findings, TimeSpan.FromMilliseconds(timeoutMs), libFuzzer, replay);
        return true;
    }

    // The same names as FuzzTargets.Names, which cannot be read before the engine is instrumented.
    private static readonly string[] FuzzTargetNames = ["body", "jws", "dn", "jwks"];

    private sealed record CommandOptions(IReadOnlyList<string> Targets, int Seconds, int Seed, string CorpusRoot, string FindingsRoot, TimeSpan Timeout, bool LibFuzzer, string? Replay);
}
