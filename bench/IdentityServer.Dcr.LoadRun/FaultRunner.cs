// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing.PostgreSql;
using Npgsql;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>
/// The fault run: a demo host on PostgreSQL under a mixed load of registrations, token requests and updates, while
/// PostgreSQL is stopped and started again. It prints every answer by class, what was acknowledged against what is
/// stored, anything half-made, and how long the host took to serve again. It asserts nothing: a person reads it.
/// </summary>
public sealed class FaultRunner(FaultRunOptions options) : IAsyncDisposable
{
    private const string FullScope = "openid accounts payments";
    private const string NarrowScope = "openid accounts";

    private readonly FaultRunOptions _options = options;
    private readonly string _repository = HostSetup.FindRepository();
    private readonly string _runDirectory = Directory.CreateTempSubdirectory("dcr-faultrun-").FullName;
    private BenchPki? _pki;
    private Workload? _workload;
    private JwksServer? _jwks;
    private ThrowawayPostgreSqlCluster? _cluster;

    /// <summary>What the load does.</summary>
    public enum Operation
    {
        Register,
        Token,
        Update,
    }

    public async Task<int> RunAsync(CancellationToken ct)
    {
        Log($"Fault run: {string.Join(", ", _options.Hosts)}; {_options.Duration.TotalSeconds:0} s of load at concurrency {_options.Concurrency}, PostgreSQL {(_options.Immediate ? "crashes (pg_ctl stop -m immediate)" : "shuts down (pg_ctl stop -m fast)")} at +{_options.OutageAt.TotalSeconds:0} s for {_options.Outage.TotalSeconds:0} s; run directory {_runDirectory}");
        _pki = new BenchPki();
        var pem = _pki.WritePem(_runDirectory);
        var jwksPort = LoopbackPort.Free();
        _workload = Workload.Create(_pki, new Uri($"https://127.0.0.1:{jwksPort}/"), _options.Tpps * _options.Hosts.Count, keyPool: 32);
        _jwks = await JwksServer.StartAsync(_pki.ServerCertificate, jwksPort);
        foreach (var tpp in _workload.Tpps)
        {
            _jwks.Serve(tpp);
        }

        _cluster = await ThrowawayPostgreSqlCluster.StartAsync(ThrowawayPostgreSqlCluster.DurableSettings);
        Log("PostgreSQL started (durable commits).");

        var verdicts = new List<(DemoHost Host, string Verdict)>();
        for (var index = 0; index < _options.Hosts.Count; index++)
        {
            var host = _options.Hosts[index];
            string dll;
            try
            {
                dll = HostSetup.Build(_repository, host, [.. _options.RestoreSources], Log);
            }
            catch (InvalidOperationException ex) when (host == DemoHost.Duende)
            {
                Log($"NOTICE: the Duende demo host did not build (are Duende.IdentityServer packages available? pass --restore-source with a feed that serves them); skipped.\n{Tail(ex.Message, 8)}");
                verdicts.Add((host, "skipped: does not build here"));
                continue;
            }

            var report = await RunHostAsync(host, dll, pem, index * _options.Tpps, ct);
            Console.WriteLine(report.Text);
            verdicts.Add((host, report.Verdict));
        }

        Console.WriteLine("Summary:");
        foreach (var (host, verdict) in verdicts)
        {
            Console.WriteLine($"  {host,-10} {verdict}");
        }

        return verdicts.All(v => v.Verdict.StartsWith("clean", StringComparison.Ordinal) || v.Verdict.StartsWith("skipped", StringComparison.Ordinal)) ? 0 : 1;
    }

    private async Task<(string Text, string Verdict)> RunHostAsync(DemoHost host, string dll, (string Root, string Certificate, string Key) pem, int firstTpp, CancellationToken ct)
    {
        var connectionString = await HostSetup.CreateDatabaseAsync(_cluster!.ConnectionString, "dcr_fault_" + host.ToString().ToLowerInvariant(), ct);
        var port = LoopbackPort.Free();
        var baseAddress = new Uri($"https://127.0.0.1:{port}/");
        var environment = HostSetup.Environment(host, baseAddress, connectionString, pem, _workload!, _runDirectory);
        using var server = ServerProcess.Start(host.ToString(), "dotnet", [dll, "--urls", baseAddress.AbsoluteUri.TrimEnd('/')],
            Path.GetDirectoryName(dll)!, environment, Path.Combine(_runDirectory, $"{host}.log"));
        Log($"[{host}] pid {server.ProcessId} on {baseAddress}, log {server.LogPath}");

        using var probe = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c?.GetCertHashString() == _pki!.ServerCertificate.GetCertHashString() } }) { Timeout = TimeSpan.FromSeconds(5) };
        await server.WaitUntilReadyAsync(async () =>
        {
            using var response = await probe.GetAsync(new Uri(baseAddress, ".well-known/openid-configuration"), ct);
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(90));
        var discovery = JsonNode.Parse(await probe.GetStringAsync(new Uri(baseAddress, ".well-known/openid-configuration"), ct))!;
        var registrationEndpoint = new Uri(discovery["registration_endpoint"]?.GetValue<string>() ?? new Uri(baseAddress, "register").AbsoluteUri);
        var tokenEndpoint = new Uri(discovery["token_endpoint"]!.GetValue<string>());
        Log($"[{host}] ready; registration {registrationEndpoint}, token {tokenEndpoint}");

        var load = new Load(this, host, registrationEndpoint, tokenEndpoint, firstTpp, firstTpp + _options.Tpps);

        // A few clients before the clock starts, so that token requests and updates have someone to act for.
        await Task.WhenAll(Enumerable.Range(0, _options.Concurrency).Select(w => load.RegisterAsync(w, record: false, ct)));
        Log($"[{host}] {load.Clients.Count} clients registered before the load; load starts");

        var clock = Stopwatch.StartNew();
        var outage = Task.Run(async () =>
        {
            await Task.Delay(_options.OutageAt, ct);
            load.Marks["stop requested"] = clock.Elapsed.TotalSeconds;
            _cluster.Halt(_options.Immediate);
            load.Marks["stopped"] = clock.Elapsed.TotalSeconds;
            Log($"[{host}] PostgreSQL stopped at +{load.Marks["stopped"]:0.00} s");
            var wait = _options.OutageAt + _options.Outage - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }

            load.Marks["start requested"] = clock.Elapsed.TotalSeconds;
            await _cluster.ResumeAsync();
            load.Marks["back"] = clock.Elapsed.TotalSeconds;
            Log($"[{host}] PostgreSQL accepting connections again at +{load.Marks["back"]:0.00} s");
        }, ct);
        var workers = Enumerable.Range(0, _options.Concurrency).Select(w => Task.Run(() => load.WorkerAsync(w, clock, ct), ct)).ToArray();
        await Task.WhenAll([outage, .. workers]);
        Log($"[{host}] load done: {load.Answers.Count} requests in {clock.Elapsed.TotalSeconds:0.0} s; checking the database");

        var alive = !server.HasExited;
        var stored = await StoredAsync(host, connectionString, ct);
        return Report(host, load, stored, alive, server.ProcessId);
    }

    /// <summary>The registrations and server clients in the database after the run.</summary>
    private static async Task<Stored> StoredAsync(DemoHost host, string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var registrations = new Dictionary<string, (string SoftwareId, string? Scope)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""SELECT "ClientId", "SoftwareId", "MetadataJson" FROM "DcrClientRegistrations" """, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                registrations[reader.GetString(0)] = (reader.GetString(1), JsonNode.Parse(reader.GetString(2))?["scope"]?.GetValue<string>());
            }
        }

        // The server's own client, with the scopes it will grant.
        var sql = host == DemoHost.OpenIddict
            ? """SELECT "ClientId", "Permissions" FROM "OpenIddictApplications" """
            : """SELECT c."ClientId", coalesce(string_agg(s."Scope", ' '), '') FROM "Clients" c LEFT JOIN "ClientScopes" s ON s."ClientId" = c."Id" GROUP BY c."ClientId" """;
        var clients = new Dictionary<string, bool>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(sql, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var scopes = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
                clients[reader.GetString(0)] = host == DemoHost.OpenIddict
                    ? scopes.Contains("\"scp:payments\"", StringComparison.Ordinal)
                    : scopes.Split(' ').Contains("payments");
            }
        }

        return new Stored(registrations, clients);
    }

    private (string Text, string Verdict) Report(DemoHost host, Load load, Stored stored, bool alive, int pid)
    {
        var answers = load.Answers.ToArray();
        var stop = load.Marks["stop requested"];
        var back = load.Marks["back"];
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"=== {host} demo host (Production environment, PostgreSQL) ===");
        text.AppendLine($"PostgreSQL: stop requested +{stop:0.00} s, stopped +{load.Marks["stopped"]:0.00} s, start requested +{load.Marks["start requested"]:0.00} s, accepting connections +{back:0.00} s");
        text.AppendLine();
        text.AppendLine("Answers by class (before the stop / during the outage / after PostgreSQL was back):");
        text.AppendLine($"  {"operation",-10} {"requests",8}  {"2xx",-17} {"503+Retry-After",-17} {"503 other",-11} {"4xx",-11} {"5xx other",-11} {"no answer",-11}");
        foreach (var op in Enum.GetValues<Operation>())
        {
            var mine = answers.Where(a => a.Op == op).ToArray();
            string Cell(Func<Answer, bool> selector)
            {
                var before = mine.Count(a => selector(a) && a.Start < stop);
                var during = mine.Count(a => selector(a) && a.Start >= stop && a.Start < back);
                var after = mine.Count(a => selector(a) && a.Start >= back);
                return $"{before}/{during}/{after}";
            }

            text.AppendLine($"  {op,-10} {mine.Length,8}  {Cell(a => a.Status is >= 200 and < 300),-17} {Cell(a => a is { Status: 503, RetryAfter: true, Json: true }),-17} {Cell(a => a.Status == 503 && !(a.RetryAfter && a.Json)),-11} {Cell(a => a.Status is >= 400 and < 500),-11} {Cell(a => a.Status >= 500 && a.Status != 503),-11} {Cell(a => a.Status == 0),-11}");
        }

        var unexpected = answers.Where(a => a.Status == 0 || (a.Status >= 400 && a.Status != 503) || (a.Status == 503 && !(a.RetryAfter && a.Json))).ToArray();
        foreach (var sample in unexpected.GroupBy(a => (a.Op, a.Status)).Select(g => g.First()).Take(8))
        {
            text.AppendLine($"  sample {sample.Op} {sample.Status} at +{sample.Start:0.00} s: {sample.Detail}");
        }

        text.AppendLine();
        text.AppendLine("Recovery (from PostgreSQL accepting connections again):");
        var recovery = 0.0;
        foreach (var op in Enum.GetValues<Operation>())
        {
            var first = answers.Where(a => a.Op == op && a.Start >= back && a.Status is >= 200 and < 300).Select(a => (double?)(a.End - back)).Min();
            var failuresAfter = answers.Where(a => a.Op == op && a.Start >= back && a.Status is not (>= 200 and < 300)).ToArray();
            var lastFailure = failuresAfter.Length == 0 ? (double?)null : failuresAfter.Max(a => a.End) - back;
            recovery = Math.Max(recovery, Math.Max(first ?? double.PositiveInfinity, lastFailure ?? 0));
            text.AppendLine($"  {op,-10} first success +{Seconds(first)}; failures of requests sent after it was back: {failuresAfter.Length}{(lastFailure is { } l ? $", last ended +{l:0.000} s" : string.Empty)}");
        }

        text.AppendLine($"  recovered in {Seconds(recovery)} (the later of each operation's first success and last failure); host pid {pid} {(alive ? "still running: no restart" : "EXITED")}");

        // Acknowledged against stored.
        var acknowledged = load.Registrations.Where(r => r.Status == 201).ToArray();
        var refused = load.Registrations.Where(r => r.Status is not 201 and not 0).ToArray();
        var unknown = load.Registrations.Where(r => r.Status == 0).ToArray();
        var softwareIds = stored.Registrations.Values.Select(v => v.SoftwareId).ToHashSet(StringComparer.Ordinal);
        var lost = acknowledged.Count(r => !stored.Registrations.ContainsKey(r.ClientId!));
        var withoutClient = acknowledged.Count(r => !stored.ServerClients.ContainsKey(r.ClientId!));
        var refusedButStored = refused.Count(r => softwareIds.Contains(r.SoftwareId));
        var unknownStored = unknown.Count(r => softwareIds.Contains(r.SoftwareId));
        var halfMade = stored.Registrations.Keys.Count(k => !stored.ServerClients.ContainsKey(k)) + stored.ServerClients.Keys.Count(k => !stored.Registrations.ContainsKey(k));

        var updates = load.Clients.Values.Where(c => c.AcknowledgedUpdates > 0).ToArray();
        var updatesLost = updates.Count(c => !c.UnknownUpdate && stored.Registrations.TryGetValue(c.ClientId, out var r) && r.Scope != c.AcknowledgedScope);
        var refusedApplied = load.Clients.Values.Count(c => !c.UnknownUpdate && c.RefusedUpdates > 0 && stored.Registrations.TryGetValue(c.ClientId, out var r) && r.Scope != c.AcknowledgedScope);
        var disagree = stored.Registrations.Count(r => stored.ServerClients.TryGetValue(r.Key, out var payments) && payments != (r.Value.Scope ?? string.Empty).Split(' ').Contains("payments"));

        text.AppendLine();
        text.AppendLine("Acknowledged against stored (read from PostgreSQL after the run):");
        text.AppendLine($"  registrations acknowledged (201): {acknowledged.Length}; stored: {acknowledged.Length - lost}; lost: {lost}; without their server client: {withoutClient}");
        text.AppendLine($"  registrations refused (503 or other): {refused.Length}; stored anyway: {refusedButStored}");
        text.AppendLine($"  registrations without an answer (time-out, connection reset): {unknown.Length}; of them stored: {unknownStored} (either is correct)");
        text.AppendLine($"  half-made (a registration without its server client, or a server client without its registration): {halfMade}");
        text.AppendLine($"  updates acknowledged (200): {load.Clients.Values.Sum(c => c.AcknowledgedUpdates)} on {updates.Length} clients; a client whose stored scope is not its last acknowledged one: {updatesLost}; refused updates applied anyway: {refusedApplied}");
        text.AppendLine($"  registrations whose server client grants other scopes than the registration says: {disagree}");

        var fiveHundreds = answers.Count(a => a.Status >= 500 && a.Status != 503);
        var bad503 = answers.Count(a => a.Status == 503 && !(a.RetryAfter && a.Json));
        var problems = new List<string>();
        if (fiveHundreds > 0)
        {
            problems.Add($"{fiveHundreds} 5xx other than 503");
        }

        if (bad503 > 0)
        {
            problems.Add($"{bad503} 503 without Retry-After or JSON");
        }

        if (lost + withoutClient + refusedButStored + halfMade + updatesLost + refusedApplied + disagree > 0)
        {
            problems.Add("stored state differs from the answers");
        }

        if (!alive)
        {
            problems.Add("host exited");
        }

        if (double.IsInfinity(recovery))
        {
            problems.Add("did not recover");
        }

        var verdict = problems.Count == 0
            ? $"clean: {answers.Length} requests, {answers.Count(a => a.Status == 503)} answered 503 with Retry-After, nothing lost or half-made, recovered in {Seconds(recovery)} without a restart"
            : "PROBLEMS: " + string.Join("; ", problems);
        text.AppendLine();
        text.AppendLine($"Verdict: {verdict}");
        return (text.ToString(), verdict);
    }

    private static string Seconds(double? value) => value is { } v && !double.IsInfinity(v) ? $"{v:0.000} s" : "never";

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static void Log(string message) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");

    public async ValueTask DisposeAsync()
    {
        if (_jwks is not null)
        {
            await _jwks.DisposeAsync();
        }

        _workload?.Dispose();
        _pki?.Dispose();
        _cluster?.Dispose();
        File.Delete(Path.Combine(_runDirectory, "server.key"));
    }

    /// <summary>One answer: what was sent, when (seconds since the load started), and what came back (status 0: none).</summary>
    private readonly record struct Answer(Operation Op, double Start, double End, int Status, bool RetryAfter, bool Json, string? Detail);

    /// <summary>One registration attempt and its outcome.</summary>
    private sealed record Attempt(string SoftwareId, int Status, string? ClientId);

    /// <summary>A registered client as the load knows it: the last scope the bank acknowledged, and updates it refused or left unanswered.</summary>
    private sealed class Client(int tpp, string clientId)
    {
        public int Tpp { get; } = tpp;

        public string ClientId { get; } = clientId;

        public string AcknowledgedScope { get; set; } = FullScope;

        public int AcknowledgedUpdates { get; set; }

        public int RefusedUpdates { get; set; }

        public bool UnknownUpdate { get; set; }

        /// <summary>The last access token obtained for management, reused until the bank refuses it (as a TPP does).</summary>
        public string? AccessToken { get; set; }

        public int Owner { get; init; }
    }

    private sealed record Stored(IReadOnlyDictionary<string, (string SoftwareId, string? Scope)> Registrations, IReadOnlyDictionary<string, bool> ServerClients);

    /// <summary>The load against one host: closed loop, one TPP per registration, updates only by the worker that registered the client.</summary>
    private sealed class Load(FaultRunner run, DemoHost host, Uri registrationEndpoint, Uri tokenEndpoint, int firstTpp, int endTpp)
    {
        private int _nextTpp = firstTpp - 1;
        private Stopwatch? _clock;

        public ConcurrentDictionary<string, double> Marks { get; } = new();

        public ConcurrentQueue<Answer> Answers { get; } = new();

        public ConcurrentQueue<Attempt> Registrations { get; } = new();

        public ConcurrentDictionary<string, Client> Clients { get; } = new(StringComparer.Ordinal);

        private FaultRunOptions Options => run._options;

        public async Task WorkerAsync(int worker, Stopwatch clock, CancellationToken ct)
        {
            _clock = clock;
            var random = new Random(worker);
            var (r, t, u) = Options.Mix;
            while (clock.Elapsed < Options.Duration)
            {
                var pick = random.Next(r + t + u);
                var own = Clients.Values.Where(c => c.Owner == worker).ToArray();
                if (pick >= r + t && own.Length > 0)
                {
                    await UpdateAsync(own[random.Next(own.Length)], ct);
                }
                else if (pick >= r && !Clients.IsEmpty)
                {
                    var all = Clients.Values.ToArray();
                    await TokenAsync(all[random.Next(all.Length)], ct);
                }
                else if (!await RegisterAsync(worker, record: true, ct))
                {
                    // No TPP left: tokens only.
                    var all = Clients.Values.ToArray();
                    await TokenAsync(all[random.Next(all.Length)], ct);
                }
            }
        }

        public async Task<bool> RegisterAsync(int worker, bool record, CancellationToken ct)
        {
            var tpp = Interlocked.Increment(ref _nextTpp);
            if (tpp >= endTpp)
            {
                return false;
            }

            var body = run._workload!.SignRegistration(tpp);
            var (status, json) = await SendAsync(Operation.Register, tpp, HttpMethod.Post, registrationEndpoint, null, body, record, ct);
            var clientId = status == 201 ? json?["client_id"]?.GetValue<string>() : null;
            if (record)
            {
                Registrations.Enqueue(new Attempt(run._workload.Tpps[tpp].SoftwareId, status, clientId));
            }

            if (clientId is not null)
            {
                Clients[clientId] = new Client(tpp, clientId) { Owner = worker };
            }

            return true;
        }

        private async Task<string?> TokenAsync(Client client, CancellationToken ct)
        {
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = "accounts",
                ["client_id"] = client.ClientId,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = run._workload!.SignAssertion(client.Tpp, client.ClientId, tokenEndpoint),
            };
            var (status, json) = await SendAsync(Operation.Token, client.Tpp, HttpMethod.Post, tokenEndpoint, null, form, record: true, ct);
            return status == 200 ? json?["access_token"]?.GetValue<string>() : null;
        }

        private async Task UpdateAsync(Client client, CancellationToken ct)
        {
            var token = client.AccessToken ??= await TokenAsync(client, ct);
            if (token is null)
            {
                return;
            }

            var scope = client.AcknowledgedScope == FullScope ? NarrowScope : FullScope;
            var body = run._workload!.SignRegistration(client.Tpp, c => c["scope"] = scope);
            var (status, _) = await SendAsync(Operation.Update, client.Tpp, HttpMethod.Put, new Uri(registrationEndpoint.AbsoluteUri.TrimEnd('/') + "/" + client.ClientId), token, body, record: true, ct);
            switch (status)
            {
                case 200:
                    client.AcknowledgedScope = scope;
                    client.AcknowledgedUpdates++;
                    break;
                case 0:
                    client.UnknownUpdate = true;
                    break;
                case 401:
                    client.AccessToken = null;
                    client.RefusedUpdates++;
                    break;
                default:
                    client.RefusedUpdates++;
                    break;
            }
        }

        private async Task<(int Status, JsonNode? Json)> SendAsync(Operation op, int tpp, HttpMethod method, Uri uri, string? bearer, object body, bool record, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(method, uri);
            if (body is string jws)
            {
                request.Content = new StringContent(jws, Encoding.ASCII);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jose");
            }
            else
            {
                request.Content = new FormUrlEncodedContent((Dictionary<string, string>)body);
            }

            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            var start = _clock?.Elapsed.TotalSeconds ?? 0;
            int status;
            JsonNode? json = null;
            bool retryAfter = false, isJson = false;
            string? detail = null;
            try
            {
                using var response = await run._workload!.Tpps[tpp].Client(run._pki!.ServerCertificate, Options.RequestTimeout).SendAsync(request, ct);
                status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(ct);
                retryAfter = response.Headers.RetryAfter is not null;
                isJson = response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true;
                if (isJson && text.Length > 0)
                {
                    try
                    {
                        json = JsonNode.Parse(text);
                    }
                    catch (System.Text.Json.JsonException)
                    {
                        isJson = false;
                    }
                }

                detail = text.Length > 200 ? text[..200] : text;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                status = 0;
                detail = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (record)
            {
                Answers.Enqueue(new Answer(op, start, _clock?.Elapsed.TotalSeconds ?? 0, status, retryAfter, isJson, detail));
            }

            return (status, json);
        }

        public override string ToString() => host.ToString();
    }
}
