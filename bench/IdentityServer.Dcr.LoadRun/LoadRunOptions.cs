// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>The command line of the load run.</summary>
public sealed class LoadRunOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/IdentityServer.Dcr.LoadRun -- [options]
          --registrations N      registrations per server in the timed part (default 2000)
          --concurrency C        requests in flight (default 16)
          --rate R               open loop: offer R operations per second in the measured phases, whatever the answers
                                 (latency counted from each request's scheduled time; achieved vs offered rate reported)
          --token-rate T         open loop for the token phase at T per second (default: --rate's; alone, the registrations
                                 stay closed-loop), since the two phases' maximum rates differ
          --warmup W             untimed registrations (and tokens) per server before the timed part (default 3000: tiered JIT settles)
          --tokens-per-client K  token requests per registered client (default 1)
          --preload M            after the small-database run, bulk-load M registrations into PostgreSQL and repeat (default 0: skip)
          --key-pool P           RSA keys shared by the TPPs' certificates and signing keys (default 32; key generation is slow)
          --servers LIST         the servers, in order, comma-separated (default ours,peer):
                                   ours          the OpenIddict demo host with the DCR plug-in
                                   baseline      the same host without the plug-in (Benchmark:WithoutDcrPlugin); each TPP's
                                                 client written directly as an OpenIddict application (no registrations)
                                   duende        the Duende demo host with the plug-in (OBIE registrations, as ours)
                                   duende-plain  the Duende host with Duende's own DCR (plain JSON at /connect/dcr) and
                                                 its own private_key_jwt (Benchmark:WithoutDcrPlugin)
                                   peer          node oidc-provider
          --restore-source DIR   an extra package source for building the Duende host (repeatable); where Duende's
                                 packages do not restore, the Duende servers are skipped with a notice
          --skip-peer            do not run node oidc-provider (removes peer from --servers)
          --connection-close     close each TPP's connection after its registration (default: keep it for its token requests)
          --host-dll PATH        use this built host instead of building host/IdentityServer.Dcr.Host in Release
          --host-env KEY=VALUE   an extra environment variable for the host (repeatable; experiments such as DOTNET_gcServer=0)
          --pg-setting KEY=VALUE a setting of the run's PostgreSQL cluster (repeatable; diagnostics such as log_min_duration_statement=50;
                                 the cluster's log is kept in the run directory as postgres.log)
          --quiet-threshold F    before each server, wait until other processes use less than F of the CPUs (default 0.25)
          --quiet-wait S         ... for at most S seconds, then run anyway and say so (default 180)
          --request-timeout S    per-request time-out (default 30)
          --results DIR          where the JSON goes (default bench/results)
        """;

    public int Registrations { get; private set; } = 2000;

    public int Concurrency { get; private set; } = 16;

    /// <summary>The offered rate of the open-loop mode (operations per second); <see langword="null"/>: closed loop at <see cref="Concurrency"/>.</summary>
    public double? Rate { get; private set; }

    /// <summary>The offered rate of the token phase; <see cref="Rate"/>'s unless <c>--token-rate</c> is given.</summary>
    public double? TokenRate => _tokenRate ?? Rate;

    private double? _tokenRate;

    public int Warmup { get; private set; } = 3000;

    public int TokensPerClient { get; private set; } = 1;

    public int Preload { get; private set; }

    public int KeyPool { get; private set; } = 32;

    /// <summary>The names <c>--servers</c> accepts.</summary>
    public static readonly string[] KnownServers = ["ours", "baseline", "duende", "duende-plain", "peer"];

    public IList<string> Servers { get; private set; } = ["ours", "peer"];

    public IList<string> RestoreSources { get; } = [];

    public bool ConnectionClose { get; private set; }

    public string? HostDll { get; private set; }

    public IDictionary<string, string> HostEnvironment { get; } = new Dictionary<string, string>();

    /// <summary>Extra settings of the run's PostgreSQL cluster (<c>--pg-setting</c>), over the durable ones.</summary>
    public IDictionary<string, string> PostgreSqlSettings { get; } = new Dictionary<string, string>();

    public double QuietThreshold { get; private set; } = 0.25;

    public TimeSpan QuietWait { get; private set; } = TimeSpan.FromSeconds(180);

    public TimeSpan RequestTimeout { get; private set; } = TimeSpan.FromSeconds(30);

    public string? ResultsDirectory { get; private set; }

    public static LoadRunOptions Parse(string[] args)
    {
        var options = new LoadRunOptions();
        var skipPeer = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt(int min) => int.Parse(Next(), CultureInfo.InvariantCulture) is var v && v >= min ? v : throw new ArgumentException($"{args[i - 1]} must be at least {min}.");
            switch (args[i])
            {
                case "--registrations": options.Registrations = NextInt(1); break;
                case "--concurrency": options.Concurrency = NextInt(1); break;
                case "--rate":
                    options.Rate = double.Parse(Next(), CultureInfo.InvariantCulture) is var rate && rate > 0 ? rate : throw new ArgumentException("--rate must be positive.");
                    break;
                case "--token-rate":
                    options._tokenRate = double.Parse(Next(), CultureInfo.InvariantCulture) is var tokenRate && tokenRate > 0 ? tokenRate : throw new ArgumentException("--token-rate must be positive.");
                    break;
                case "--warmup": options.Warmup = NextInt(0); break;
                case "--tokens-per-client": options.TokensPerClient = NextInt(0); break;
                case "--preload": options.Preload = NextInt(0); break;
                case "--key-pool": options.KeyPool = NextInt(1); break;
                case "--servers":
                    options.Servers = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];
                    if (options.Servers.FirstOrDefault(s => !KnownServers.Contains(s)) is { } unknown)
                    {
                        throw new ArgumentException($"Unknown server {unknown}: --servers takes {string.Join(", ", KnownServers)}.");
                    }

                    break;
                case "--restore-source": options.RestoreSources.Add(Path.GetFullPath(Next())); break;
                case "--skip-peer": skipPeer = true; break;
                case "--connection-close": options.ConnectionClose = true; break;
                case "--host-dll": options.HostDll = Path.GetFullPath(Next()); break;
                case "--host-env":
                    var pair = Next().Split('=', 2);
                    options.HostEnvironment[pair[0]] = pair.Length == 2 ? pair[1] : throw new ArgumentException("--host-env takes KEY=VALUE.");
                    break;
                case "--pg-setting":
                    var setting = Next().Split('=', 2);
                    options.PostgreSqlSettings[setting[0]] = setting.Length != 2
                        ? throw new ArgumentException("--pg-setting takes KEY=VALUE.")
                        : setting[1].IndexOfAny([.. " \t|&;<>()$`'\"\\*?!#~"]) < 0
                            ? setting[1]
                            : throw new ArgumentException("--pg-setting values reach pg_ctl's shell: no spaces or shell characters.");
                    break;
                case "--quiet-threshold": options.QuietThreshold = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--quiet-wait": options.QuietWait = TimeSpan.FromSeconds(NextInt(0)); break;
                case "--request-timeout": options.RequestTimeout = TimeSpan.FromSeconds(NextInt(1)); break;
                case "--results": options.ResultsDirectory = Next(); break;
                case "-h" or "--help": throw new ArgumentException(string.Empty);
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (skipPeer)
        {
            options.Servers.Remove("peer");
        }

        if (options.Servers.Count == 0)
        {
            throw new ArgumentException("No server to run.");
        }

        if (options.Preload > 0 && !options.Servers.Contains("ours"))
        {
            throw new ArgumentException("--preload repeats the run of ours: add ours to --servers.");
        }

        return options;
    }
}
