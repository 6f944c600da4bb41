// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing.PostgreSql;
using Npgsql;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>The load run, start to end: PKI, TPPs, JWKS server, PostgreSQL, the host, the peer, the scale run, the report.</summary>
public sealed class Runner(LoadRunOptions options) : IAsyncDisposable
{
    private const string HostLabel = "ours";
    private const string PeerLabel = "peer";
    private const string ScaleLabel = "ours @preload";
    private const string BaselineLabel = "baseline";
    private const string DuendeLabel = "duende";
    private const string DuendePlainLabel = "duende-plain";

    /// <summary>The open loop's cap on requests in flight: far above any healthy queue, so that only a collapsing server hits it.</summary>
    private const int MaxInFlight = 1024;

    private readonly string _repository = HostSetup.FindRepository();
    private readonly string _runDirectory = Directory.CreateTempSubdirectory("dcr-loadrun-").FullName;
    private readonly List<IDisposable> _owned = [];
    private ThrowawayPostgreSqlCluster? _cluster;
    private BenchPki _pki = null!;
    private Workload _workload = null!;
    private JwksServer? _jwks;
    private DatabaseWorkProbe? _database;
    private (string Root, string Certificate, string Key) _pem;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        Log($"Load run: servers {string.Join(", ", options.Servers)}; {options.Registrations} registrations per server at concurrency {options.Concurrency}, warm-up {options.Warmup}; run directory {_runDirectory}");
        Log($"Machine: {Machine.Describe().Summary}; load average {ProcStats.LoadAverage()}");

        // Everything slow and signed happens before any timed part.
        var stopwatch = Stopwatch.StartNew();
        _pki = new BenchPki();
        _pem = _pki.WritePem(_runDirectory);
        var jwksPort = LoopbackPort.Free();
        var perServer = options.Warmup + options.Registrations;
        var tppCount = perServer * (options.Preload > 0 ? 2 : 1);
        _workload = Workload.Create(_pki, new Uri($"https://127.0.0.1:{jwksPort}/"), tppCount, options.KeyPool);
        Log($"Built {tppCount} TPPs (transport certificates, signing keys over a pool of {options.KeyPool} RSA-2048 keys) in {stopwatch.Elapsed.TotalSeconds:0.0} s.");
        _jwks = await JwksServer.StartAsync(_pki.ServerCertificate, jwksPort);
        foreach (var tpp in _workload.Tpps)
        {
            _jwks.Serve(tpp);
        }

        // The OpenIddict demo host (ours, baseline) and the Duende demo host (duende, duende-plain), each built once.
        var servers = options.Servers.ToList();
        string? hostDll = null;
        if (servers.Contains(HostLabel) || servers.Contains(BaselineLabel))
        {
            hostDll = options.HostDll ?? HostSetup.Build(_repository, DemoHost.OpenIddict, [], Log);
        }

        string? duendeDll = null;
        var notices = new List<string>();
        if (servers.Contains(DuendeLabel) || servers.Contains(DuendePlainLabel))
        {
            try
            {
                duendeDll = HostSetup.Build(_repository, DemoHost.Duende, [.. options.RestoreSources], Log);
            }
            catch (InvalidOperationException ex)
            {
                var notice = "the Duende demo host did not build (are Duende.IdentityServer packages available? pass --restore-source with a feed that serves them): duende and duende-plain skipped";
                Log($"NOTICE: {notice}.\n{string.Join('\n', ex.Message.Split('\n').Take(8))}");
                notices.Add(notice);
                servers.RemoveAll(s => s is DuendeLabel or DuendePlainLabel);
            }
        }

        stopwatch.Restart();
        var cluster = await StartClusterAsync(options.PostgreSqlSettings);
        _owned.Add(cluster);
        _cluster = cluster;
        _database = await DatabaseWorkProbe.OpenAsync(cluster.ConnectionString, ct);
        var postgresVersion = await ScalarAsync(cluster.ConnectionString, "SELECT version()", ct);
        var durability = await ScalarAsync(cluster.ConnectionString, "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','wal_sync_method','checkpoint_timeout')", ct);
        durability += "; host pool: No Reset On Close, Max Auto Prepare=20";
        Log($"PostgreSQL started in {stopwatch.Elapsed.TotalSeconds:0.0} s: {postgresVersion.Split(" on ")[0]}; {durability}; "
            + (_database.CountsStatements ? "statements counted (pg_stat_statements)" : "WAL counted, not statements (pg_stat_statements not installed)"));

        // Each server on a fresh database of the same cluster, so that no run sees another's rows.
        var runs = new List<ServerRun>();
        string? oursDatabase = null;
        foreach (var server in servers)
        {
            switch (server)
            {
                case HostLabel:
                    oursDatabase = await HostSetup.CreateDatabaseAsync(cluster.ConnectionString, "dcr_bench", ct);
                    runs.Add(await RunHostAsync(new ServerKind(HostLabel, DemoHost.OpenIddict, RegistrationKind.Obie, "IdentityServer.Dcr demo host (Release)"), hostDll!, oursDatabase, cluster, 0, ct));
                    break;
                case BaselineLabel:
                    runs.Add(await RunHostAsync(new ServerKind(BaselineLabel, DemoHost.OpenIddict, RegistrationKind.Direct, "the demo host without the DCR plug-in (Benchmark:WithoutDcrPlugin)"),
                        hostDll!, await HostSetup.CreateDatabaseAsync(cluster.ConnectionString, "dcr_bench_baseline", ct), cluster, 0, ct));
                    break;
                case DuendeLabel:
                    runs.Add(await RunHostAsync(new ServerKind(DuendeLabel, DemoHost.Duende, RegistrationKind.Obie, "Duende demo host with the plug-in (Release)"),
                        duendeDll!, await HostSetup.CreateDatabaseAsync(cluster.ConnectionString, "dcr_bench_duende", ct), cluster, 0, ct));
                    break;
                case DuendePlainLabel:
                    runs.Add(await RunHostAsync(new ServerKind(DuendePlainLabel, DemoHost.Duende, RegistrationKind.PlainJson, "Duende demo host with Duende's own DCR (Benchmark:WithoutDcrPlugin)"),
                        duendeDll!, await HostSetup.CreateDatabaseAsync(cluster.ConnectionString, "dcr_bench_duende_plain", ct), cluster, 0, ct));
                    break;
                case PeerLabel:
                    runs.Add(await RunPeerAsync(0, ct));
                    break;
            }
        }

        PreloadResult? preload = null;
        if (options.Preload > 0 && oursDatabase is not null)
        {
            Log($"Preloading {options.Preload:N0} registrations into PostgreSQL (binary COPY)...");
            preload = await Preloader.LoadAsync(oursDatabase, options.Preload, Log, ct);
            Log($"Preload: {preload.Rows:N0} rows (OpenIddict applications: {(preload.OpenIddictApplications ? "yes" : "no table")}) copied in {preload.CopySeconds:0.0} s, {preload.TotalSeconds:0.0} s with VACUUM ANALYZE and CHECKPOINT; database {preload.DatabaseBytes / 1048576.0:0} MB.");
            runs.Add(await RunHostAsync(new ServerKind(ScaleLabel, DemoHost.OpenIddict, RegistrationKind.Obie, "IdentityServer.Dcr demo host (Release)"), hostDll!, oursDatabase, cluster, perServer, ct));
        }

        var report = new Report(options, Machine.Describe(), postgresVersion, durability, started, runs, preload, notices);
        report.Print(Console.Out);
        var path = report.Write(options.ResultsDirectory ?? Path.Combine(_repository, "bench", "results"));
        Log($"Results written to {path}");
        return 0;
    }

    /// <summary>How a server registers its clients.</summary>
    private enum RegistrationKind
    {
        /// <summary>OBIE: a signed request with a directory SSA (application/jose).</summary>
        Obie,

        /// <summary>Duende's own DCR: plain JSON with the TPP's jwks.</summary>
        PlainJson,

        /// <summary>None: the load run writes each client as an OpenIddict application before the warm-up (the baseline).</summary>
        Direct,
    }

    private sealed record ServerKind(string Label, DemoHost Host, RegistrationKind Registration, string Name);

    private async Task<ServerRun> RunHostAsync(ServerKind kind, string dll, string connectionString, ThrowawayPostgreSqlCluster cluster, int firstTpp, CancellationToken ct)
    {
        var port = LoopbackPort.Free();
        var baseAddress = new Uri($"https://127.0.0.1:{port}/");
        var environment = HostSetup.Environment(kind.Host, baseAddress, connectionString, _pem, _workload, _runDirectory);
        if (kind.Registration != RegistrationKind.Obie)
        {
            // The benchmark switch of both demo hosts: the plug-in left out (docs/benchmarks.md, "Load run").
            environment["Benchmark__WithoutDcrPlugin"] = "true";
        }

        foreach (var (key, value) in options.HostEnvironment)
        {
            environment[key] = value;
        }

        var name = "host-" + kind.Label.Replace(" @", "-", StringComparison.Ordinal);
        using var server = ServerProcess.Start(name, "dotnet", [dll, "--urls", baseAddress.AbsoluteUri.TrimEnd('/')],
            Path.GetDirectoryName(dll)!, environment, Path.Combine(_runDirectory, $"{name}.log"));
        Log($"[{kind.Label}] {kind.Name}: pid {server.ProcessId} on {baseAddress}, log {server.LogPath}");
        var registrationPath = kind.Registration == RegistrationKind.PlainJson ? "/connect/dcr" : "/register";
        return await MeasureAsync(kind, kind.Name, "PostgreSQL (fsync on, synchronous_commit on)", server, baseAddress, registrationPath, cluster.PostmasterProcessId, firstTpp, connectionString, ct);
    }

    private async Task<ServerRun> RunPeerAsync(int firstTpp, CancellationToken ct)
    {
        var directory = Path.Combine(_repository, "bench", "peer-oidc-provider");
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            Log("npm ci (bench/peer-oidc-provider)...");
            HostSetup.Exec("npm", ["ci", "--no-audit", "--no-fund"], directory);
        }

        var version = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "node_modules", "oidc-provider", "package.json"), ct))!["version"]!.GetValue<string>();
        var port = LoopbackPort.Free();
        var baseAddress = new Uri($"https://127.0.0.1:{port}/");
        var environment = new Dictionary<string, string>
        {
            ["NODE_ENV"] = "production",
            ["NODE_EXTRA_CA_CERTS"] = _pem.Root,
            ["PEER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PEER_CERT"] = _pem.Certificate,
            ["PEER_KEY"] = _pem.Key,
            ["PEER_CA"] = _pem.Root,
            ["PEER_AUDIENCE"] = Workload.Audience,
            ["PEER_ANCHOR_ISSUER"] = _workload.Directory.Issuer,
            ["PEER_ANCHOR_JWKS"] = _workload.Directory.Jwks,
        };
        using var server = ServerProcess.Start("peer", "node", ["server.js"], directory, environment, Path.Combine(_runDirectory, "peer.log"));
        Log($"[{PeerLabel}] oidc-provider {version} pid {server.ProcessId} on {baseAddress}, log {server.LogPath}");
        var kind = new ServerKind(PeerLabel, DemoHost.OpenIddict, RegistrationKind.Obie, $"node {Machine.NodeVersion()} oidc-provider {version}");
        return await MeasureAsync(kind, kind.Name, "in memory (oidc-provider's default adapter)", server, baseAddress, "/reg", null, firstTpp, null, ct);
    }

    private async Task<ServerRun> MeasureAsync(ServerKind kind, string serverName, string store, ServerProcess server, Uri baseAddress, string defaultRegistrationPath, int? databasePid, int firstTpp, string? connectionString, CancellationToken ct)
    {
        var label = kind.Label;
        using var probe = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c?.GetCertHashString() == _pki.ServerCertificate.GetCertHashString() } }) { Timeout = TimeSpan.FromSeconds(5) };
        await server.WaitUntilReadyAsync(async () =>
        {
            using var response = await probe.GetAsync(baseAddress, ct);
            return (int)response.StatusCode < 500;
        }, TimeSpan.FromSeconds(90));

        var (discoveredRegistration, tokenEndpoint, issuer, tokensNote) = await DiscoverAsync(probe, baseAddress, defaultRegistrationPath, ct);
        var registrationEndpoint = kind.Registration == RegistrationKind.PlainJson ? new Uri(baseAddress, defaultRegistrationPath) : discoveredRegistration;
        Log($"[{label}] ready; registration endpoint {(kind.Registration == RegistrationKind.Direct ? "none (clients written directly)" : registrationEndpoint)}; token endpoint {(tokenEndpoint?.AbsoluteUri ?? "not available: " + tokensNote)}");

        // Idle: started and ready, nothing done yet.
        var idleRss = ProcStats.Rss(server.ProcessId);

        // The assertion's form: OpenIddict's own rules for the baseline (typ client-authentication+jwt, aud the issuer),
        // otherwise as the plug-ins, Duende and the peer take it (typ JWT, aud the token endpoint).
        string[] Assertions(List<(int Tpp, string ClientId)> clients, int perClient)
            => kind.Registration == RegistrationKind.Direct
                ? _workload.SignAssertions([.. clients.Select(c => (c.Tpp + firstTpp, c.ClientId))], tokenEndpoint!, perClient, issuer ?? tokenEndpoint!.AbsoluteUri, Workload.ClientAuthenticationType)
                : _workload.SignAssertions([.. clients.Select(c => (c.Tpp + firstTpp, c.ClientId))], tokenEndpoint!, perClient);

        // Signed outside the timed part: a fresh SSA, request and jti for each TPP (OBIE), or the plain JSON.
        var total = options.Warmup + options.Registrations;
        List<(int Tpp, string ClientId)>? direct = null;
        byte[][] requests = [];
        if (kind.Registration == RegistrationKind.Direct)
        {
            direct = await BaselineClients.WriteAsync(connectionString!, _workload, firstTpp, total, ct);
            Log($"[{label}] {direct.Count} clients written as OpenIddict applications (private_key_jwt, the TPP's JWKS)");
        }
        else
        {
            requests = kind.Registration == RegistrationKind.Obie
                ? [.. _workload.SignRegistrations(firstTpp, total).Select(Encoding.ASCII.GetBytes)]
                : [.. Enumerable.Range(firstTpp, total).Select(i => Encoding.UTF8.GetBytes(_workload.PlainRegistration(i)))];
        }

        Task<HttpResponseMessage> Register(int i, CancellationToken token)
        {
            var tpp = _workload.Tpps[firstTpp + i];
            var content = new ByteArrayContent(requests[i]);
            content.Headers.ContentType = new MediaTypeHeaderValue(kind.Registration == RegistrationKind.Obie ? "application/jose" : "application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, registrationEndpoint) { Content = content };
            request.Headers.ConnectionClose = options.ConnectionClose;
            return tpp.Client(_pki.ServerCertificate, options.RequestTimeout).SendAsync(request, token);
        }

        // Warm-up: JIT, connection pools, caches of the server; not measured.
        if (options.Warmup > 0)
        {
            List<(int Tpp, string ClientId)> clients;
            if (direct is not null)
            {
                clients = direct[..options.Warmup];
            }
            else
            {
                var warm = await LoadDriver.RunAsync("warm-up", options.Warmup, options.Concurrency, HttpStatusCode.Created, Register, keepBodies: true, ct);
                Log($"[{label}] warm-up: {options.Warmup - warm.ErrorCount}/{options.Warmup} registered{Samples(warm)}");
                clients = Registered(warm, 0);
            }

            if (tokenEndpoint is not null && clients.Count > 0)
            {
                // As many per client as the measured phase sends: the token path gets the calls its tiered JIT needs before it is measured.
                var assertions = Assertions(clients, Math.Max(1, options.TokensPerClient));
                var warmTokens = await LoadDriver.RunAsync("warm-up tokens", assertions.Length, options.Concurrency, HttpStatusCode.OK,
                    (i, token) => Token(clients[i % clients.Count].Tpp + firstTpp, clients[i % clients.Count].ClientId, assertions[i], tokenEndpoint, token), keepBodies: false, ct);
                Log($"[{label}] warm-up tokens: {assertions.Length - warmTokens.ErrorCount}/{assertions.Length}{Samples(warmTokens)}");
            }

            // The warm-up TPPs are done: close their connections, as a TPP does once registered, so that the measured
            // part (and the peak RSS) sees the connections of its own TPPs only, not thousands of idle ones.
            for (var i = 0; i < options.Warmup; i++)
            {
                _workload.Tpps[firstTpp + i].ResetClient();
            }
        }

        var quiet = await WaitForQuietAsync(label, [server.ProcessId, databasePid ?? -1], ct);

        // Warm: the warm-up done and its connections closed (the quiet wait gave the server seconds to see them go).
        var warmRss = ProcStats.Rss(server.ProcessId);
        var warmSockets = ProcStats.Sockets(server.ProcessId);

        // The peak RSS of the measured part: the warm-up's connections are closed, its peak is not this run's.
        if (!ProcStats.ResetPeakRss(server.ProcessId))
        {
            quiet += "; peak RSS includes the warm-up (clear_refs not writable)";
        }

        PhaseMetrics? registrationMetrics = null;
        List<(int Tpp, string ClientId)> measuredClients;
        if (direct is not null)
        {
            measuredClients = direct[options.Warmup..];

            // No registration has opened their connections: open them untimed (one discovery request per TPP), so that the
            // token phase runs on kept-open mutual-TLS connections as it does for the servers that registered them.
            var opened = await LoadDriver.RunAsync("connections", measuredClients.Count, options.Concurrency, HttpStatusCode.OK,
                (i, token) => _workload.Tpps[measuredClients[i].Tpp + firstTpp].Client(_pki.ServerCertificate, options.RequestTimeout).GetAsync(new Uri(baseAddress, ".well-known/openid-configuration"), token), keepBodies: false, ct);
            Log($"[{label}] {measuredClients.Count - opened.ErrorCount}/{measuredClients.Count} TPP connections opened (untimed){Samples(opened)}");
        }
        else
        {
            var registrations = await MeasuredAsync(label, "registrations", server.ProcessId, databasePid, connectionString, () => options.Rate is { } rate
                ? OpenLoopDriver.RunAsync("registrations", options.Registrations, rate, MaxInFlight, HttpStatusCode.Created, (i, token) => Register(options.Warmup + i, token), keepBodies: true, ct)
                : LoadDriver.RunAsync("registrations", options.Registrations, options.Concurrency, HttpStatusCode.Created, (i, token) => Register(options.Warmup + i, token), keepBodies: true, ct), ct);
            registrationMetrics = registrations.Metrics;
            measuredClients = Registered(registrations.Result, options.Warmup);
        }

        PhaseMetrics? tokens = null;
        if (tokenEndpoint is not null && options.TokensPerClient > 0 && measuredClients.Count > 0)
        {
            var clients = measuredClients;
            var assertions = Assertions(clients, options.TokensPerClient);
            Task<HttpResponseMessage> SendToken(int i, CancellationToken token)
            {
                var (tpp, clientId) = clients[i % clients.Count];
                return Token(tpp + firstTpp, clientId, assertions[i], tokenEndpoint, token);
            }

            tokens = (await MeasuredAsync(label, "tokens", server.ProcessId, databasePid, connectionString, () => options.TokenRate is { } rate
                ? OpenLoopDriver.RunAsync("tokens", assertions.Length, rate, MaxInFlight, HttpStatusCode.OK, SendToken, keepBodies: false, ct)
                : LoadDriver.RunAsync("tokens", assertions.Length, options.Concurrency, HttpStatusCode.OK, SendToken, keepBodies: false, ct), ct)).Metrics;
        }

        // Open: the token phase's connections still held by the TPPs.
        var peak = ProcStats.PeakRss(server.ProcessId);
        var end = ProcStats.Rss(server.ProcessId);
        var memory = new MemoryFigures(idleRss, warmRss, warmSockets, end, ProcStats.Sockets(server.ProcessId), measuredClients.Count);
        Log($"[{label}] RSS: idle {idleRss / 1048576.0:0} MB, warm {warmRss / 1048576.0:0} MB, with {memory.Connections} TPP connections open {end / 1048576.0:0} MB"
            + (memory.RssPerConnectionBytes is { } perConnection ? $" ({perConnection / 1024:0} KB per connection)" : string.Empty));
        foreach (var tpp in _workload.Tpps)
        {
            tpp.ResetClient();
        }

        return new ServerRun(label, serverName, store, registrationMetrics, direct is null ? null : "not applicable (clients written directly)",
            tokens, tokenEndpoint is null ? tokensNote : null, peak, end, quiet, memory);
    }

    private Task<HttpResponseMessage> Token(int tpp, string clientId, string assertion, Uri tokenEndpoint, CancellationToken ct)
        => _workload.Tpps[tpp].Client(_pki.ServerCertificate, options.RequestTimeout).PostAsync(tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        }), ct);

    private async Task<(PhaseResult Result, PhaseMetrics Metrics)> MeasuredAsync(
        string label, string what, int serverPid, int? databasePid, string? connectionString, Func<Task<PhaseResult>> run, CancellationToken ct)
    {
        // PostgreSQL's counters first, so that the probe's own statements fall outside the CPU measured below.
        var database = connectionString is null || _database is null ? null : new NpgsqlConnectionStringBuilder(connectionString).Database;
        var wal0 = database is null ? null : await _database!.StartAsync(ct);
        var load = ProcStats.LoadAverage();
        var server0 = ProcStats.CpuTime(serverPid);
        var database0 = databasePid is { } db ? ProcStats.CpuTime(db, children: true) : TimeSpan.Zero;
        var self0 = ProcStats.CpuTime(Environment.ProcessId);
        var machine0 = ProcStats.MachineCpu();
        var result = await run();
        var machine1 = ProcStats.MachineCpu();
        var server = ProcStats.CpuTime(serverPid) - server0;
        var databaseCpu = databasePid is { } db1 ? ProcStats.CpuTime(db1, children: true) - database0 : TimeSpan.Zero;
        var self = ProcStats.CpuTime(Environment.ProcessId) - self0;
        var busy = TimeSpan.FromSeconds((machine1.Busy - machine0.Busy) / 100.0);
        var others = Math.Max(0, (busy - server - databaseCpu - self).TotalSeconds) / result.Wall.TotalSeconds;
        var ops = Math.Max(1, result.Count - result.ErrorCount);
        var work = database is null ? null : await _database!.EndAsync(database, wal0!, ops, ct);
        var metrics = new PhaseMetrics(
            result.Count, result.ErrorCount, result.Errors, result.ErrorSamples, result.Wall.TotalSeconds, result.PerSecond,
            result.Percentile(50), result.Percentile(95), result.Percentile(99), result.Percentile(100),
            server.TotalMilliseconds / ops, databasePid is null ? null : databaseCpu.TotalMilliseconds / ops, self.TotalMilliseconds / ops,
            others, load, ProcStats.LoadAverage(), result.OfferedRate, work);
        Log($"[{label}] {what}: {metrics.PerSecond:0.0}/s, p50 {metrics.P50Ms:0.0} ms, p99 {metrics.P99Ms:0.0} ms, errors {metrics.Errors}, server CPU {metrics.ServerCpuMsPerOp:0.00} ms/op"
            + (metrics.DatabaseCpuMsPerOp is { } d ? $" + PostgreSQL {d:0.00} ms/op" : string.Empty) + $", load run {metrics.LoadRunCpuMsPerOp:0.00} ms/op, others {others:0.00} cores; load {load} -> {metrics.LoadAverageAfter}"
            + (result.MaxSendLagMs is { } lag ? $"; the load run's latest send {lag:0.0} ms after schedule, its GC pauses {result.LoadRunGcPauseMs:0} ms" : string.Empty)
            + SlowEpisodes(result, metrics.P50Ms)
            + $"{Samples(result)}"
            + (work is null ? string.Empty : "\n    " + work.Describe()));
        return (result, metrics);
    }

    /// <summary>Waits (bounded) until processes other than ours leave the CPUs mostly idle, and says what it found.</summary>
    private async Task<string> WaitForQuietAsync(string label, int[] ours, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + options.QuietWait;
        while (true)
        {
            var m0 = ProcStats.MachineCpu();
            var o0 = ours.Where(p => p > 0).Sum(p => ProcStats.CpuTime(p, children: true).TotalSeconds) + ProcStats.CpuTime(Environment.ProcessId).TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var m1 = ProcStats.MachineCpu();
            var o1 = ours.Where(p => p > 0).Sum(p => ProcStats.CpuTime(p, children: true).TotalSeconds) + ProcStats.CpuTime(Environment.ProcessId).TotalSeconds;
            var othersShare = Math.Max(0, ((m1.Busy - m0.Busy) / 100.0) - (o1 - o0)) / ((m1.Total - m0.Total) / 100.0);
            var note = $"others used {othersShare:P0} of the CPUs just before (load {ProcStats.LoadAverage()})";
            if (othersShare <= options.QuietThreshold)
            {
                Log($"[{label}] quiet enough: {note}");
                return note;
            }

            if (DateTime.UtcNow > deadline)
            {
                Log($"[{label}] not quiet after {options.QuietWait.TotalSeconds:0} s, running anyway: {note}");
                return "NOT QUIET: " + note;
            }

            Log($"[{label}] waiting for a quieter machine: {note}");
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
        }
    }

    private static List<(int Tpp, string ClientId)> Registered(PhaseResult result, int offset)
        => [.. result.Outcomes.Select((o, i) => (o, i)).Where(x => x.o.Body is not null)
            .Select(x => (x.i + offset, JsonNode.Parse(x.o.Body!)!["client_id"]!.GetValue<string>()))];

    private static async Task<(Uri Registration, Uri? Token, string? Issuer, string Note)> DiscoverAsync(HttpClient probe, Uri baseAddress, string defaultRegistrationPath, CancellationToken ct)
    {
        using var discovery = await probe.GetAsync(new Uri(baseAddress, ".well-known/openid-configuration"), ct);
        JsonNode? document = null;
        if (discovery.IsSuccessStatusCode)
        {
            document = JsonNode.Parse(await discovery.Content.ReadAsStringAsync(ct));
        }

        var registration = document?["registration_endpoint"]?.GetValue<string>() is { } r ? new Uri(r) : new Uri(baseAddress, defaultRegistrationPath);
        var issuer = document?["issuer"]?.GetValue<string>();
        if (document?["token_endpoint"]?.GetValue<string>() is { } t)
        {
            return (registration, new Uri(t), issuer, string.Empty);
        }

        // No discovery: is there a token endpoint where OpenIddict puts it?
        var guess = new Uri(baseAddress, "connect/token");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        using var answer = await probe.PostAsync(guess, content, ct);
        return answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
            ? (registration, null, issuer, $"no token endpoint (discovery {(int)discovery.StatusCode}, POST {guess.AbsolutePath} {(int)answer.StatusCode})")
            : (registration, guess, issuer, string.Empty);
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(ct))?.ToString() ?? string.Empty;
    }

    /// <summary>
    /// The durable cluster, with <c>pg_stat_statements</c> loaded where it is installed (its absence only loses the statement counts)
    /// and the <c>--pg-setting</c> extras.
    /// </summary>
    private static async Task<ThrowawayPostgreSqlCluster> StartClusterAsync(IDictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>(ThrowawayPostgreSqlCluster.DurableSettings)
        {
            [DatabaseWorkProbe.CheckpointTimeout.Key] = DatabaseWorkProbe.CheckpointTimeout.Value,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        try
        {
            return await ThrowawayPostgreSqlCluster.StartAsync(
                new Dictionary<string, string>(settings) { [DatabaseWorkProbe.Preload.Key] = DatabaseWorkProbe.Preload.Value });
        }
        catch (InvalidOperationException ex)
        {
            Log($"PostgreSQL did not start with {DatabaseWorkProbe.Preload.Value} ({ex.Message.Split('\n')[0]}); starting it without: WAL counted, not statements.");
            return await ThrowawayPostgreSqlCluster.StartAsync(settings);
        }
    }

    /// <summary>Open loop: where the slow answers (over ten times the median, and over 100 ms) were, in wall-clock time.</summary>
    private static string SlowEpisodes(PhaseResult result, double p50)
    {
        var threshold = Math.Max(100, 10 * p50);
        var episodes = result.SlowEpisodes(threshold);
        return episodes.Count == 0
            ? string.Empty
            : $"\n    answers over {threshold:0} ms (scheduled, UTC): " + string.Join("; ", episodes.Select(e =>
                $"{e.From:HH:mm:ss.fff}–{e.To:HH:mm:ss.fff} {e.Requests} requests, slowest {e.MaxMs:0} ms"));
    }

    private static string Samples(PhaseResult result)
        => result.ErrorSamples.Count == 0 ? string.Empty : "\n    first errors:\n      " + string.Join("\n      ", result.ErrorSamples);

    private static void Log(string message) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");

    public async ValueTask DisposeAsync()
    {
        if (_jwks is not null)
        {
            await _jwks.DisposeAsync();
        }

        _workload?.Dispose();
        _pki?.Dispose();
        if (_cluster?.LogFilePath is { } log && File.Exists(log))
        {
            File.Copy(log, Path.Combine(_runDirectory, "postgres.log"), overwrite: true);
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        // The logs stay (for a failed run); the server's private key goes.
        File.Delete(Path.Combine(_runDirectory, "server.key"));
    }
}
