// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Diagnostics;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Tokens;
using Jose;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// The default <see cref="IJwksResolver"/>: fetches JWKS over HTTP, keeps the usable public signing keys per URL,
/// and enforces the SSRF policy of <see cref="JwksOptions"/> for <see cref="JwksSourceKind.Software"/> URLs.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="FindKeyAsync(Uri, string?, string?, JwksSourceKind, CancellationToken)"/> runs these steps in order:
/// <see cref="CheckUri"/> (refuse by scheme, user
/// information and host), the cache (fresh for <see cref="JwksOptions.CacheDuration"/>), <see cref="FetchAsync"/>
/// (one fetch in flight per URL, shared by concurrent callers), <see cref="ParseKeySet"/> and
/// <see cref="SelectKey"/>. An unknown <c>kid</c> forces one refresh, at most once per
/// <see cref="JwksOptions.MinRefreshInterval"/> per URL. When a refresh fails for lack of network, an expired copy
/// still serves the keys it holds.
/// </para>
/// <para>
/// The address policy (public addresses only) is enforced when connecting, by the handler of the
/// <see cref="SoftwareHttpClientName"/> client, so that DNS rebinding cannot bypass it. Register this class as a
/// singleton: it owns the cache. Override one step to change it, for example <see cref="SelectKey"/> to match by
/// <c>x5t#S256</c> as well.
/// </para>
/// </remarks>
public class JwksResolver : IJwksResolver
{
    /// <summary>The name of the <see cref="HttpClient"/> that fetches trust anchors' JWKS (bank configuration).</summary>
    public const string TrustAnchorHttpClientName = "IdentityServer.Dcr.TrustAnchorJwks";

    /// <summary>
    /// The name of the <see cref="HttpClient"/> that fetches TPPs' <c>software_jwks_endpoint</c>: no redirects, no
    /// proxy, and only public addresses or those of <see cref="JwksOptions.AllowedNetworks"/>.
    /// </summary>
    public const string SoftwareHttpClientName = "IdentityServer.Dcr.SoftwareJwks";

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJwkSet = new("application/jwk-set+json");
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    private readonly JwksCache _cache = new();

    /// <summary>Creates the resolver.</summary>
    /// <param name="httpClientFactory">Creates the <see cref="TrustAnchorHttpClientName"/> and <see cref="SoftwareHttpClientName"/> clients.</param>
    /// <param name="options">The engine options; <see cref="DcrOptions.Jwks"/> is read on every lookup.</param>
    /// <param name="timeProvider">The clock of the cache and of fetch time-outs.</param>
    /// <param name="logger">The logger.</param>
    public JwksResolver(
        IHttpClientFactory httpClientFactory,
        IOptionsMonitor<DcrOptions> options,
        TimeProvider timeProvider,
        ILogger<JwksResolver> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        HttpClientFactory = httpClientFactory;
        Options = options;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>Creates the named HTTP clients.</summary>
    protected IHttpClientFactory HttpClientFactory { get; }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public Task<JwksLookupResult> FindKeyAsync(Uri jwksUri, string? keyId, JwksSourceKind kind, CancellationToken ct)
        => FindKeyAsync(jwksUri, keyId, null, kind, ct);

    /// <inheritdoc />
    public async Task<JwksLookupResult> FindKeyAsync(Uri jwksUri, string? keyId, string? algorithm, JwksSourceKind kind, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(jwksUri);
        keyId = JwkSelector.NormalizeKeyId(keyId);
        var options = Options.CurrentValue.Jwks;
        var host = HostOf(jwksUri);

        var refusal = CheckUri(jwksUri, kind, options);
        if (refusal is not null)
        {
            Logger.JwksUriRefused(host, refusal);
            return JwksLookupResult.Failed(JwksLookupStatus.Refused, refusal);
        }

        var uri = jwksUri.AbsoluteUri;
        for (var pass = 0; ; pass++)
        {
            var cached = _cache.Get(kind, uri);
            var now = TimeProvider.GetUtcNow();
            if (cached is not null && now < cached.ExpiresAt)
            {
                if (SelectKey(cached.Keys, keyId, algorithm) is { } key)
                {
                    Logger.JwksCacheHit(host, keyId);
                    CountLookup(kind, "hit");
                    return JwksLookupResult.Found(key);
                }

                if (now - cached.LastAttemptAt < options.MinRefreshInterval)
                {
                    Logger.JwksRefreshRateLimited(host, keyId, options.MinRefreshInterval);
                    Logger.JwksUnknownKey(host, keyId);
                    return KeyNotFound(keyId);
                }

                Logger.JwksRefreshingForUnknownKey(host, keyId);
            }

            if (pass == 0)
            {
                CountLookup(kind, "miss");
            }

            JwksFetchResult? fetched;
            try
            {
                // A fetch that completed after the cache was read above changes the decision: read it again (the
                // pass limit only guards against a pathological stream of completions).
                var observed = pass < 3 ? cached?.LastAttemptAt ?? DateTimeOffset.MinValue : (DateTimeOffset?)null;
                fetched = await FetchSharedAsync(jwksUri, kind, host, options, observed, ct).ConfigureAwait(false);
            }
            catch (DcrInfrastructureException)
            {
                if (cached is not null && TimeProvider.GetUtcNow() - cached.FetchedAt <= options.MaxStaleness
                    && SelectKey(cached.Keys, keyId, algorithm) is { } staleKey)
                {
                    Logger.JwksStaleKeyUsed(host, keyId, cached.FetchedAt);
                    CountLookup(kind, "stale");
                    return JwksLookupResult.Found(staleKey);
                }

                throw;
            }

            if (fetched is null)
            {
                continue;
            }

            if (!fetched.Succeeded)
            {
                return JwksLookupResult.Failed(fetched.Status, fetched.Reason);
            }

            if (SelectKey(fetched.Keys, keyId, algorithm) is { } fetchedKey)
            {
                return JwksLookupResult.Found(fetchedKey);
            }

            Logger.JwksUnknownKey(host, keyId);
            return KeyNotFound(keyId);
        }
    }

    /// <summary>
    /// Step 1: refuses a URL by its form, before any network access. Trust anchor URLs are checked for scheme only;
    /// software URLs also for user information and against <see cref="JwksOptions.AllowedHosts"/>.
    /// </summary>
    /// <param name="jwksUri">The JWKS URL.</param>
    /// <param name="kind">Who chose the URL.</param>
    /// <param name="options">The JWKS options of this lookup.</param>
    /// <returns><see langword="null"/> when the URL may be fetched, otherwise why not (fit for an error description).</returns>
    protected virtual string? CheckUri(Uri jwksUri, JwksSourceKind kind, JwksOptions options)
    {
        ArgumentNullException.ThrowIfNull(jwksUri);
        ArgumentNullException.ThrowIfNull(options);
        if (!jwksUri.IsAbsoluteUri)
        {
            return JwksReasons.NotAbsolute;
        }

        if (!UriHosts.TryGetIdnHost(jwksUri, out var idnHost))
        {
            return JwksReasons.InvalidHost;
        }

        var https = jwksUri.Scheme == Uri.UriSchemeHttps;
        if (!https && !(options.AllowHttp && jwksUri.Scheme == Uri.UriSchemeHttp))
        {
            return options.AllowHttp ? JwksReasons.HttpOrHttpsRequired : JwksReasons.HttpsRequired;
        }

        if (kind != JwksSourceKind.Software)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(jwksUri.UserInfo))
        {
            return JwksReasons.UserInfoNotAllowed;
        }

        // An address literal (in any spelling: Uri has made dotted decimal of decimal, hex and octal forms) is judged
        // here, before any connection; names are judged by the connect guard, on the addresses they resolve to.
        if (jwksUri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(jwksUri.IdnHost.Trim('[', ']'), out var literal)
            && !NetworkAddressPolicy.IsAllowed(literal, options.GetAllowedNetworks()))
        {
            return JwksReasons.NonPublicAddress;
        }

        return options.AllowedHosts.Count == 0 || options.AllowedHosts.Any(h => HostMatches(idnHost, h))
            ? null
            : JwksReasons.HostNotAllowed;
    }

    /// <summary>
    /// Step 2: fetches and parses the JWKS at <paramref name="jwksUri"/> with the client for <paramref name="kind"/>,
    /// within <see cref="JwksOptions.Timeout"/> and <see cref="JwksOptions.MaxResponseSize"/>. Concurrent lookups of
    /// one URL share a single call.
    /// </summary>
    /// <param name="jwksUri">The JWKS URL, already accepted by <see cref="CheckUri"/>.</param>
    /// <param name="kind">Who chose the URL: decides the HTTP client.</param>
    /// <param name="ct">Cancels the fetch (the time-out is applied on top).</param>
    /// <returns>
    /// The keys; <see cref="JwksLookupStatus.Invalid"/> for a non-success status, a non-JSON media type, an oversized
    /// or malformed document; <see cref="JwksLookupStatus.Refused"/> when the host resolves to no allowed address.
    /// </returns>
    /// <exception cref="JwksUnavailableException">The host could not be reached, or the fetch timed out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    protected virtual async Task<JwksFetchResult> FetchAsync(Uri jwksUri, JwksSourceKind kind, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(jwksUri);
        using var activity = DcrTelemetry.ActivitySource.StartActivity("dcr.jwks.fetch", ActivityKind.Client);
        activity?.SetTag(DcrTelemetry.Tags.JwksSource, DcrTelemetry.Source(kind));
        activity?.SetTag("server.address", HostOf(jwksUri));
        var started = Stopwatch.GetTimestamp();
        var outcome = "unavailable";
        try
        {
            var result = await FetchCoreAsync(jwksUri, kind, ct).ConfigureAwait(false);
            outcome = result.Succeeded ? DcrTelemetry.Outcomes.Success : result.Status == JwksLookupStatus.Refused ? "refused" : "invalid";
            return result;
        }
        catch (JwksUnavailableException exception) when (exception.InnerException is OperationCanceledException)
        {
            outcome = "timeout";
            throw;
        }
        finally
        {
            activity?.SetTag(DcrTelemetry.Tags.Outcome, outcome);
            if (outcome is "unavailable" or "timeout")
            {
                activity?.SetStatus(ActivityStatusCode.Error, outcome);
            }

            var tags = new TagList { { DcrTelemetry.Tags.JwksSource, DcrTelemetry.Source(kind) }, { DcrTelemetry.Tags.Outcome, outcome } };
            DcrTelemetry.JwksFetches.Add(1, tags);
            DcrTelemetry.JwksFetchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private static void CountLookup(JwksSourceKind kind, string result)
        => DcrTelemetry.JwksCacheLookups.Add(
            1,
            new TagList { { DcrTelemetry.Tags.JwksSource, DcrTelemetry.Source(kind) }, { DcrTelemetry.Tags.CacheResult, result } });

    private async Task<JwksFetchResult> FetchCoreAsync(Uri jwksUri, JwksSourceKind kind, CancellationToken ct)
    {
        var options = Options.CurrentValue.Jwks;
        var host = HostOf(jwksUri);
        var client = HttpClientFactory.CreateClient(kind == JwksSourceKind.Software ? SoftwareHttpClientName : TrustAnchorHttpClientName);

        using var request = new HttpRequestMessage(HttpMethod.Get, jwksUri);
        request.Headers.Accept.Add(AcceptJson);
        request.Headers.Accept.Add(AcceptJwkSet);
        using var timeout = new CancellationTokenSource(options.Timeout, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        Logger.JwksFetching(kind, host, jwksUri);

        JwksFetchResult result;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            result = await ReadKeySetAsync(response, jwksUri, options.MaxResponseSize, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            // Our time-out, or HttpClient.Timeout if a host configured a shorter one.
            Logger.JwksFetchTimedOut(host, options.Timeout);
            throw new JwksUnavailableException(host, "the request timed out", ex);
        }
        catch (HttpRequestException ex) when (JwksAddressRefusedException.Find(ex) is not null)
        {
            result = JwksFetchResult.Failed(JwksLookupStatus.Refused, JwksReasons.NonPublicAddress);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            Logger.JwksFetchFailed(host, ex);
            throw new JwksUnavailableException(host, "the request failed", ex);
        }

        if (result.Succeeded)
        {
            return result;
        }

        if (result.Status == JwksLookupStatus.Refused)
        {
            Logger.JwksUriRefused(host, result.Reason);
        }
        else
        {
            Logger.JwksInvalid(host, result.Reason);
        }

        return result;
    }

    /// <summary>
    /// Step 3: reads a JWKS document. The whole document is rejected when it is not a JSON object with a
    /// <c>keys</c> array; single keys that are not RSA (2048 bits or more) or EC P-256/P-384/P-521 public signing
    /// keys are skipped, and so are keys holding private material.
    /// </summary>
    /// <param name="utf8Json">The document, at most <see cref="JwksOptions.MaxResponseSize"/> bytes; valid only during the call.</param>
    /// <param name="jwksUri">Where it came from, for logging.</param>
    /// <returns>The usable keys, or <see cref="JwksLookupStatus.Invalid"/>.</returns>
    protected virtual JwksFetchResult ParseKeySet(ReadOnlyMemory<byte> utf8Json, Uri jwksUri)
    {
        ArgumentNullException.ThrowIfNull(jwksUri);
        var host = HostOf(jwksUri);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: the duplicate-name check unescapes names and throws for a lone surrogate escape.
            return JwksFetchResult.Failed(JwksLookupStatus.Invalid, JwksReasons.NotJson);
        }

        using (document)
        {
            // Ill-formed UTF-8 in a string or a lone surrogate escape would make a later read of a name or value throw.
            if (!JsonStrings.AreWellFormed(document.RootElement))
            {
                return JwksFetchResult.Failed(JwksLookupStatus.Invalid, JwksReasons.NotJson);
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Array)
            {
                return JwksFetchResult.Failed(JwksLookupStatus.Invalid, JwksReasons.NotKeySet);
            }

            var usable = new List<Jwk>();
            var skipped = 0;
            foreach (var element in keys.EnumerateArray())
            {
                if (JwkReader.TryRead(element, out var key, out var keyId, out var skipReason))
                {
                    usable.Add(key);
                    continue;
                }

                skipped++;
                if (skipReason == JwkReader.PrivateKeySkipReason)
                {
                    Logger.JwksPrivateKeySkipped(host, keyId);
                }
                else
                {
                    Logger.JwksKeySkipped(host, keyId, skipReason);
                }
            }

            Logger.JwksFetched(host, usable.Count, skipped);
            return JwksFetchResult.Success(usable);
        }
    }

    /// <summary>
    /// Step 4: picks the key for a JWS header by the rule of <see cref="JwkSelector"/>: with a <c>kid</c>, the one
    /// usable key with that <c>kid</c>; without one, the one usable key that fits <paramref name="algorithm"/>.
    /// </summary>
    /// <param name="keys">The usable public signing keys of the set.</param>
    /// <param name="keyId">The <c>kid</c> of the JWS header, or <see langword="null"/>.</param>
    /// <param name="algorithm">The <c>alg</c> of the JWS header, or <see langword="null"/> when unknown.</param>
    /// <returns>The key, or <see langword="null"/> when none matches.</returns>
    protected virtual Jwk? SelectKey(IReadOnlyList<Jwk> keys, string? keyId, string? algorithm)
        => JwkSelector.Select(keys, keyId, algorithm);

    private static JwksLookupResult KeyNotFound(string? keyId) =>
        JwksLookupResult.Failed(JwksLookupStatus.KeyNotFound, JwkSelector.NotFoundReason(keyId));

    private static string HostOf(Uri uri)
        => !uri.IsAbsoluteUri ? "(relative URL)" : UriHosts.TryGetIdnHost(uri, out var host) ? host : "(invalid host)";

    private static bool HostMatches(string host, string allowed)
    {
        if (allowed.StartsWith("*.", StringComparison.Ordinal))
        {
            // "*.example.com" matches "a.example.com" and "a.b.example.com", never "example.com" itself.
            var suffix = allowed[1..];
            return host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(host, allowed, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Joins the fetch of the URL in flight, or starts one. Returns <see langword="null"/> without fetching when a
    /// fetch attempt completed after the caller read the cache (see <see cref="JwksCache.JoinOrStart"/>).
    /// </summary>
    private async Task<JwksFetchResult?> FetchSharedAsync(
        Uri jwksUri,
        JwksSourceKind kind,
        string host,
        JwksOptions options,
        DateTimeOffset? observedAttemptAt,
        CancellationToken ct)
    {
        var uri = jwksUri.AbsoluteUri;
        if (_cache.JoinOrStart(kind, uri, observedAttemptAt) is not { } fetch)
        {
            return null;
        }

        if (fetch.IsOwner)
        {
            // The shared fetch is not cancelled by its first caller: others may be waiting. It is bounded by the time-out.
            _ = RunSharedFetchAsync(jwksUri, kind, options);
        }
        else
        {
            Logger.JwksFetchJoined(host);
        }

        return await fetch.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task RunSharedFetchAsync(Uri jwksUri, JwksSourceKind kind, JwksOptions options)
    {
        JwksFetchResult? result = null;
        Exception? failure = null;
        try
        {
            result = await FetchAsync(jwksUri, kind, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every failure is handed to the waiting callers, which rethrow it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        var now = TimeProvider.GetUtcNow();
        var evicted = _cache.CompleteFetch(kind, jwksUri.AbsoluteUri, result, failure, now, now + options.CacheDuration, options.MaxCachedEntries);
        foreach (var uri in evicted)
        {
            Logger.JwksCacheEvicted(uri);
        }
    }

    private async Task<JwksFetchResult> ReadKeySetAsync(HttpResponseMessage response, Uri jwksUri, int maxSize, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status >= 500 || status == 429)
        {
            // The host is up but cannot serve now: a fault of the infrastructure, not of the request (503, stale copy allowed).
            var host = HostOf(jwksUri);
            throw new JwksUnavailableException(
                host,
                $"it answered {status}",
                new HttpRequestException(JwksReasons.Status(status), null, response.StatusCode));
        }

        if (!response.IsSuccessStatusCode)
        {
            return JwksFetchResult.Failed(JwksLookupStatus.Invalid, JwksReasons.Status(status));
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null
            || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                 || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return JwksFetchResult.Failed(JwksLookupStatus.Invalid, JwksReasons.NotJsonContentType);
        }

        // Rejects a declared Content-Length above the limit before reading, and caps what is actually read.
        var content = await BoundedContentReader.ReadAsync(response.Content, maxSize, ct).ConfigureAwait(false);
        return content is { } document
            ? ParseKeySet(document, jwksUri)
            : JwksFetchResult.Failed(JwksLookupStatus.Invalid, JwksReasons.TooLarge);
    }
}
