// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>The command line of the fault run (<c>fault</c> as the first argument).</summary>
public sealed class FaultRunOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/IdentityServer.Dcr.LoadRun -- fault [options]
          --host H               openiddict, duende or both (default both; duende is skipped with a notice when it does not build)
          --concurrency C        requests in flight (default 8)
          --duration S           seconds of load per host (default 40)
          --outage-at S          PostgreSQL stops this many seconds into the load (default 10)
          --outage S             ... and starts again S seconds later (default 10)
          --shutdown MODE        immediate (a crash: connections dropped, crash recovery; default) or fast
          --mix R,T,U            weights of registrations, token requests and updates (token + PUT) (default 4,4,2)
          --tpps N               TPPs prepared (one per registration; default 4000)
          --restore-source DIR   an extra package source for building the Duende host (repeatable)
          --request-timeout S    per-request time-out (default 15)
        """;

    public IList<DemoHost> Hosts { get; } = [DemoHost.OpenIddict, DemoHost.Duende];

    public int Concurrency { get; private set; } = 8;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(40);

    public TimeSpan OutageAt { get; private set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Outage { get; private set; } = TimeSpan.FromSeconds(10);

    public bool Immediate { get; private set; } = true;

    public (int Register, int Token, int Update) Mix { get; private set; } = (4, 4, 2);

    public int Tpps { get; private set; } = 4000;

    public IList<string> RestoreSources { get; } = [];

    public TimeSpan RequestTimeout { get; private set; } = TimeSpan.FromSeconds(15);

    public static FaultRunOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FaultRunOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt(int min) => int.Parse(Next(), CultureInfo.InvariantCulture) is var v && v >= min ? v : throw new ArgumentException($"{args[i - 1]} must be at least {min}.");
            switch (args[i])
            {
                case "--host":
                    var host = Next();
                    options.Hosts.Clear();
                    foreach (var value in host == "both" ? ["openiddict", "duende"] : new[] { host })
                    {
                        options.Hosts.Add(Enum.TryParse<DemoHost>(value, ignoreCase: true, out var h) ? h : throw new ArgumentException($"--host takes openiddict, duende or both, not '{host}'."));
                    }

                    break;
                case "--concurrency": options.Concurrency = NextInt(1); break;
                case "--duration": options.Duration = TimeSpan.FromSeconds(NextInt(5)); break;
                case "--outage-at": options.OutageAt = TimeSpan.FromSeconds(NextInt(1)); break;
                case "--outage": options.Outage = TimeSpan.FromSeconds(NextInt(1)); break;
                case "--shutdown":
                    options.Immediate = Next() switch
                    {
                        "immediate" => true,
                        "fast" => false,
                        var other => throw new ArgumentException($"--shutdown takes immediate or fast, not '{other}'."),
                    };
                    break;
                case "--mix":
                    var weights = Next().Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
                    options.Mix = weights is [>= 0, >= 0, >= 0] && weights.Sum() > 0 ? (weights[0], weights[1], weights[2]) : throw new ArgumentException("--mix takes three weights, R,T,U.");
                    break;
                case "--tpps": options.Tpps = NextInt(10); break;
                case "--restore-source": options.RestoreSources.Add(Path.GetFullPath(Next())); break;
                case "--request-timeout": options.RequestTimeout = TimeSpan.FromSeconds(NextInt(1)); break;
                case "-h" or "--help": throw new ArgumentException(string.Empty);
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (options.OutageAt + options.Outage >= options.Duration)
        {
            throw new ArgumentException("The outage must end before the load does (--outage-at + --outage < --duration), or recovery cannot be seen.");
        }

        return options;
    }
}
