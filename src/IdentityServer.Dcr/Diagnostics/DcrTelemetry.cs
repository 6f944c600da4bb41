// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IdentityServer.Dcr.Diagnostics;

/// <summary>
/// The library's traces and metrics, with <c>System.Diagnostics</c> only (no OpenTelemetry dependency): subscribe with
/// OpenTelemetry's <c>AddSource(DcrTelemetry.Name)</c> and <c>AddMeter(DcrTelemetry.Name)</c>, or any
/// <see cref="ActivityListener"/> / <see cref="MeterListener"/>.
/// </summary>
/// <remarks>
/// Metric tags come from small fixed sets (operations, stages, outcomes, RFC 7591 / OAuth error codes, methods, JWKS
/// source kinds): never a client id, a URL or any other client-controlled string, so the number of series stays bounded
/// whatever TPPs send. Traces carry no secrets: no tokens, assertions, SSAs or keys.
/// </remarks>
public static class DcrTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and of the <see cref="Meter"/>.</summary>
    public const string Name = "IdentityServer.Dcr";

    private static readonly string? Version = typeof(DcrTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>
    /// The activities: one per registration operation (<c>dcr.register</c>, <c>dcr.update</c>), a child per validation
    /// stage (<c>dcr.stage</c>), and one per JWKS fetch (<c>dcr.jwks.fetch</c>).
    /// </summary>
    public static readonly ActivitySource ActivitySource = new(Name, Version);

    /// <summary>The meter holding every instrument below.</summary>
    public static readonly Meter Meter = new(Name, Version);

    /// <summary>
    /// <c>dcr.registration.requests</c>: registration operations; tags <c>dcr.operation</c>, <c>dcr.outcome</c>,
    /// <c>error.type</c> (when rejected).
    /// </summary>
    internal static readonly Counter<long> RegistrationRequests = Meter.CreateCounter<long>(
        "dcr.registration.requests", "{request}", "Registration operations (create, update, delete) by outcome and error code.");

    /// <summary>
    /// <c>dcr.registration.stage.duration</c>: time spent in each validation stage and in the store; tags
    /// <c>dcr.stage</c>, <c>dcr.outcome</c>.
    /// </summary>
    internal static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>(
        "dcr.registration.stage.duration", "s", "Duration of each stage of a registration request (SSA, request JWS, JWKS, store, ...).");

    /// <summary><c>dcr.jwks.fetches</c>: JWKS downloads; tags <c>dcr.jwks.source</c>, <c>dcr.outcome</c>.</summary>
    internal static readonly Counter<long> JwksFetches = Meter.CreateCounter<long>(
        "dcr.jwks.fetches", "{fetch}", "JWKS downloads by source kind and outcome.");

    /// <summary><c>dcr.jwks.fetch.duration</c>: JWKS download latency; tags <c>dcr.jwks.source</c>, <c>dcr.outcome</c>.</summary>
    internal static readonly Histogram<double> JwksFetchDuration = Meter.CreateHistogram<double>(
        "dcr.jwks.fetch.duration", "s", "JWKS download latency by source kind and outcome.");

    /// <summary>
    /// <c>dcr.jwks.cache.lookups</c>: key lookups; tags <c>dcr.jwks.source</c>, <c>dcr.cache.result</c> (<c>hit</c>,
    /// <c>miss</c>, <c>stale</c>).
    /// </summary>
    internal static readonly Counter<long> JwksCacheLookups = Meter.CreateCounter<long>(
        "dcr.jwks.cache.lookups", "{lookup}", "JWKS key lookups: served from the cache, fetched, or served stale during an outage.");

    /// <summary>
    /// <c>dcr.client_authentication.checks</c>: the engine's client-authentication checks at a token endpoint; tags
    /// <c>dcr.auth.method</c>, <c>dcr.outcome</c>.
    /// </summary>
    internal static readonly Counter<long> ClientAuthenticationChecks = Meter.CreateCounter<long>(
        "dcr.client_authentication.checks",
        "{check}",
        "Client authentication of registered clients at the token endpoints, by method and outcome of the engine's checks.");

    /// <summary>
    /// <c>dcr.authorization.requests</c>: authorization requests of registered clients; tags <c>dcr.outcome</c>,
    /// <c>error.type</c> (when refused).
    /// </summary>
    internal static readonly Counter<long> AuthorizationRequests = Meter.CreateCounter<long>(
        "dcr.authorization.requests", "{request}", "Authorization requests (request objects) of registered clients by outcome and error code.");

    /// <summary>Tag names.</summary>
    internal static class Tags
    {
        public const string Operation = "dcr.operation";
        public const string Outcome = "dcr.outcome";
        public const string ErrorType = "error.type";
        public const string Stage = "dcr.stage";
        public const string JwksSource = "dcr.jwks.source";
        public const string CacheResult = "dcr.cache.result";
        public const string AuthMethod = "dcr.auth.method";
    }

    /// <summary>Outcome values.</summary>
    internal static class Outcomes
    {
        public const string Success = "success";
        public const string Rejected = "rejected";
        public const string Failure = "failure";
        public const string Unavailable = "unavailable";
    }

    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal)
    {
        "private_key_jwt", "tls_client_auth", "client_secret_basic", "client_secret_post", "client_secret_jwt", "none",
    };

    /// <summary>A client-authentication method as a bounded tag value.</summary>
    internal static string Method(string? method) => method is not null && KnownMethods.Contains(method) ? method : "other";

    /// <summary>An error code as a bounded tag value: the engine's own codes pass, anything else is <c>other</c>.</summary>
    internal static string Error(string? code)
        => code is { Length: > 0 and <= 40 } && code.All(c => c is (>= 'a' and <= 'z') or '_') ? code : "other";

    /// <summary>
    /// Runs one stage of a registration request inside its activity and records its duration
    /// (<c>dcr.registration.stage.duration</c>).
    /// </summary>
    /// <param name="stage">The stage name, from a fixed set.</param>
    /// <param name="run">The stage.</param>
    /// <returns>The stage's result.</returns>
    internal static async Task<DcrStepResult> MeasureStageAsync(string stage, Func<Task<DcrStepResult>> run)
        => await MeasureStageAsync(stage, run, r => r.Error).ConfigureAwait(false);

    /// <summary>Runs one stage of a registration request inside its activity and records its duration.</summary>
    /// <typeparam name="T">The stage's result type.</typeparam>
    /// <param name="stage">The stage name, from a fixed set.</param>
    /// <param name="run">The stage.</param>
    /// <param name="errorOf">The error of a result, <see langword="null"/> on success.</param>
    /// <returns>The stage's result.</returns>
    internal static async Task<T> MeasureStageAsync<T>(string stage, Func<Task<T>> run, Func<T, DcrError?> errorOf)
    {
        using var activity = ActivitySource.StartActivity("dcr.stage " + stage);
        activity?.SetTag(Tags.Stage, stage);
        var started = Stopwatch.GetTimestamp();
        var outcome = Outcomes.Failure;
        try
        {
            var result = await run().ConfigureAwait(false);
            var error = errorOf(result);
            outcome = error is null ? Outcomes.Success : Outcomes.Rejected;
            if (error is not null)
            {
                activity?.SetTag(Tags.ErrorType, Error(error.Error));
            }

            return result;
        }
        catch (DcrInfrastructureException)
        {
            outcome = Outcomes.Unavailable;
            activity?.SetStatus(ActivityStatusCode.Error, "a dependency is unavailable");
            throw;
        }
        finally
        {
            activity?.SetTag(Tags.Outcome, outcome);
            StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new TagList { { Tags.Stage, stage }, { Tags.Outcome, outcome } });
        }
    }

    /// <summary>
    /// Runs one registration operation inside its activity (<c>dcr.register</c>, <c>dcr.update</c>, <c>dcr.delete</c>)
    /// and counts its outcome in <c>dcr.registration.requests</c> (<c>success</c>, <c>rejected</c> with its error code,
    /// or <c>unavailable</c> when it throws <see cref="DcrInfrastructureException"/>). The engine's service and the
    /// Duende plug-in's service both measure through it, so the instrument means the same on either.
    /// </summary>
    /// <typeparam name="T">The operation's result type.</typeparam>
    /// <param name="operation"><c>create</c>, <c>update</c> or <c>delete</c>.</param>
    /// <param name="run">The operation.</param>
    /// <param name="errorOf">The OAuth/RFC 7591 error code of a result; <see langword="null"/> on success.</param>
    /// <returns>The operation's result.</returns>
    public static async Task<T> MeasureRegistrationAsync<T>(string operation, Func<Task<T>> run, Func<T, string?> errorOf)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(errorOf);
        using var activity = ActivitySource.StartActivity(operation == "create" ? "dcr.register" : "dcr." + operation);
        try
        {
            var result = await run().ConfigureAwait(false);
            var error = errorOf(result);
            RecordRegistration(activity, operation, error is null ? Outcomes.Success : Outcomes.Rejected, error);
            return result;
        }
        catch (DcrInfrastructureException)
        {
            RecordRegistration(activity, operation, Outcomes.Unavailable, null);
            throw;
        }
    }

    private static void RecordRegistration(Activity? activity, string operation, string outcome, string? error)
    {
        var tags = new TagList
        {
            { Tags.Operation, operation },
            { Tags.Outcome, outcome },
        };
        if (error is not null)
        {
            tags.Add(Tags.ErrorType, Error(error));
        }

        RegistrationRequests.Add(1, tags);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(Tags.Outcome, outcome);
        if (error is not null)
        {
            activity.SetTag(Tags.ErrorType, Error(error));
        }
        else if (outcome == Outcomes.Unavailable)
        {
            activity.SetStatus(ActivityStatusCode.Error, "a dependency is unavailable");
        }
    }

    /// <summary>Counts a client-authentication check (<c>dcr.client_authentication.checks</c>).</summary>
    internal static void RecordClientAuthentication(string? method, string outcome)
        => ClientAuthenticationChecks.Add(1, new TagList { { Tags.AuthMethod, Method(method) }, { Tags.Outcome, outcome } });

    /// <summary>A JWKS source kind as a tag value.</summary>
    internal static string Source(Jwks.JwksSourceKind kind) => kind == Jwks.JwksSourceKind.Software ? "software" : "trust_anchor";
}
