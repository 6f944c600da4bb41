// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Jwks;
using Jose;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.TrustAnchors;

/// <summary>
/// The default <see cref="ITrustAnchorKeyResolver"/>: anchors from <see cref="SoftwareStatementOptions.TrustAnchors"/>,
/// inline JWKS parsed once per options change, JWKS URLs through <see cref="IJwksResolver"/>.
/// </summary>
public class TrustAnchorKeyResolver : ITrustAnchorKeyResolver
{
    private readonly IOptionsMonitor<DcrOptions> _options;
    private readonly IJwksResolver _jwksResolver;
    private volatile Snapshot? _snapshot;

    /// <summary>Creates the resolver.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="jwksResolver">Fetches JWKS URLs.</param>
    public TrustAnchorKeyResolver(IOptionsMonitor<DcrOptions> options, IJwksResolver jwksResolver)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _jwksResolver = jwksResolver;
        options.OnChange(_ => _snapshot = null);
    }

    /// <inheritdoc />
    public bool TryGetAnchor(string issuer, out ICollection<string> allowedAlgorithms)
    {
        var snapshot = GetSnapshot();
        if (snapshot.Anchors.TryGetValue(issuer, out var anchor))
        {
            allowedAlgorithms = anchor.AllowedAlgorithms.Count > 0 ? anchor.AllowedAlgorithms : snapshot.DefaultAlgorithms;
            return true;
        }

        allowedAlgorithms = [];
        return false;
    }

    /// <inheritdoc />
    public Task<JwksLookupResult> FindKeyAsync(string issuer, string? keyId, CancellationToken ct)
        => FindKeyAsync(issuer, keyId, null, ct);

    /// <inheritdoc />
    public async Task<JwksLookupResult> FindKeyAsync(string issuer, string? keyId, string? algorithm, CancellationToken ct)
    {
        var snapshot = GetSnapshot();
        if (!snapshot.Anchors.TryGetValue(issuer, out var anchor))
        {
            return JwksLookupResult.Failed(JwksLookupStatus.KeyNotFound, "the issuer is not a trust anchor");
        }

        if (snapshot.InlineKeys.TryGetValue(issuer, out var keys))
        {
            return SelectInlineKey(keys, keyId, algorithm);
        }

        return await _jwksResolver.FindKeyAsync(anchor.JwksUri!, keyId, algorithm, JwksSourceKind.TrustAnchor, ct).ConfigureAwait(false);
    }

    /// <summary>Picks a key from an anchor's inline JWKS, by the rule of <see cref="JwkSelector"/>.</summary>
    /// <param name="keys">The anchor's keys.</param>
    /// <param name="keyId">The <c>kid</c>, or <see langword="null"/>.</param>
    /// <param name="algorithm">The <c>alg</c>, or <see langword="null"/>.</param>
    /// <returns>The key, or why none fits.</returns>
    protected virtual JwksLookupResult SelectInlineKey(IReadOnlyList<Jwk> keys, string? keyId, string? algorithm)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return JwkSelector.Select(keys, keyId, algorithm) is { } key
            ? JwksLookupResult.Found(key)
            : JwksLookupResult.Failed(JwksLookupStatus.KeyNotFound, JwkSelector.NotFoundReason(keyId));
    }

    private Snapshot GetSnapshot() => _snapshot ??= Snapshot.Create(_options.CurrentValue.SoftwareStatement);

    private sealed class Snapshot
    {
        private Snapshot(
            Dictionary<string, TrustAnchorOptions> anchors,
            Dictionary<string, IReadOnlyList<Jwk>> inlineKeys,
            ICollection<string> defaultAlgorithms)
        {
            Anchors = anchors;
            InlineKeys = inlineKeys;
            DefaultAlgorithms = defaultAlgorithms;
        }

        public Dictionary<string, TrustAnchorOptions> Anchors { get; }

        public Dictionary<string, IReadOnlyList<Jwk>> InlineKeys { get; }

        public ICollection<string> DefaultAlgorithms { get; }

        public static Snapshot Create(SoftwareStatementOptions options)
        {
            var anchors = new Dictionary<string, TrustAnchorOptions>(StringComparer.Ordinal);
            var inline = new Dictionary<string, IReadOnlyList<Jwk>>(StringComparer.Ordinal);
            foreach (var anchor in options.TrustAnchors)
            {
                anchors[anchor.Issuer] = anchor;
                if (!string.IsNullOrWhiteSpace(anchor.Jwks))
                {
                    inline[anchor.Issuer] = ParseInline(anchor.Jwks);
                }
            }

            return new Snapshot(anchors, inline, [.. options.AllowedAlgorithms]);
        }

        // Validated at start-up by DcrOptionsValidator, so a failure here is a programming error.
        internal static List<Jwk> ParseInline(string json)
        {
            // The same defensive reader as fetched JWKS: public signing keys only, real key sizes checked.
            using var document = JsonDocument.Parse(json);
            var keys = new List<Jwk>();
            foreach (var element in document.RootElement.GetProperty("keys").EnumerateArray())
            {
                if (JwkReader.TryRead(element, out var key, out _, out _))
                {
                    keys.Add(key);
                }
            }

            return keys;
        }
    }
}
