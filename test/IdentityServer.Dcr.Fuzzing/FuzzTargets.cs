// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using System.Text.Json;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.DistinguishedNames;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.RequestParsing;
using IdentityServer.Dcr.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Fuzzing;

/// <summary>One input of a fuzz target.</summary>
/// <param name="data">The input bytes.</param>
public delegate void FuzzAction(ReadOnlySpan<byte> data);

/// <summary>
/// The fuzz targets: each feeds attacker-controlled bytes to one Internet-facing parser the way the engine does, and
/// throws when the parser throws (its APIs return results) or breaks an invariant its documentation promises
/// (<see cref="FuzzInvariantException"/>). Shared by the fuzzing command (against the instrumented engine) and the
/// unit tests (replaying the corpus and the findings against the plain engine).
/// </summary>
public static class FuzzTargets
{
    /// <summary>The target names, in the order <c>--target all</c> runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["body", "jws", "dn", "jwks"];

    private static readonly DcrOptions Options = new();
    private static readonly IOptionsMonitor<DcrOptions> OptionsMonitor = new StaticOptionsMonitor(Options);
    private static readonly RegistrationRequestReader RequestReader = new(OptionsMonitor);
    private static readonly FuzzJwksResolver JwksResolver = new(OptionsMonitor);
    private static readonly UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private static readonly Uri JwksUri = new("https://keystore.example.com/tpp/jwks.json");

    // The media types a TPP may send; application/json also takes a JSON string holding the token.
    private static readonly string[] ContentTypes = ["application/jose", "application/json; charset=utf-8"];

    // The algorithms the key selection is asked about (the header's alg), null meaning unknown.
    private static readonly string?[] Algorithms = [null, "PS256", "ES256", "ES384", "ES512", "RS256", "HS256", ""];

    /// <summary>Gets a target by name.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The target.</returns>
    /// <exception cref="ArgumentException">The name is not a target.</exception>
    public static FuzzAction Get(string name) => name switch
    {
        "body" => Body,
        "jws" => Jws,
        "dn" => Dn,
        "jwks" => Jwks,
        _ => throw new ArgumentException($"Unknown fuzz target '{name}'.", nameof(name)),
    };

    /// <summary>
    /// The registration body, as <c>POST /register</c> hands it to <see cref="IRegistrationRequestReader"/> (raw
    /// bytes, no certificate), once as <c>application/jose</c> and once as <c>application/json</c>; then the claims
    /// of the token read as the validators read them.
    /// </summary>
    /// <param name="data">The body.</param>
    public static void Body(ReadOnlySpan<byte> data)
    {
        var body = data.ToArray();
        foreach (var contentType in ContentTypes)
        {
            var context = new DcrRequestContext(new DcrRequest(contentType, body, null));
            var result = RequestReader.Read(context);
            if (!result.Succeeded)
            {
                Check(!string.IsNullOrEmpty(result.Error!.ErrorDescription), "a refused body has an error description");
                Check(context.RequestToken is null, "a refused body sets no token");
                continue;
            }

            Check(context.RequestToken is not null, "an accepted body sets the token");
            ReadClaims(context.RequestToken!);
        }
    }

    /// <summary>
    /// A compact JWS, as <see cref="CompactJws.TryParse"/> reads the request and the software statement, then every
    /// claim read with every <see cref="ClaimReader"/> method, and the nested <c>software_statement</c>.
    /// </summary>
    /// <param name="data">The token (UTF-8; invalid sequences become U+FFFD).</param>
    public static void Jws(ReadOnlySpan<byte> data)
    {
        var token = LenientUtf8.GetString(data);
        var parsed = CompactJws.TryParse(token, Options.RequestObject.MaxBodySize, out var jws, out var error);
        var encodingOk = JwsEncoding.IsBase64UrlCompact(token);
        if (!parsed)
        {
            Check(!string.IsNullOrEmpty(error) && jws is null, "a refused token has an error and no value");
            return;
        }

        Check(error is null, "an accepted token has no error");
        Check(encodingOk, "a token CompactJws accepts is base64url compact for JwsEncoding too");
        ReadClaims(jws!);
    }

    /// <summary>
    /// A distinguished name, as <see cref="DistinguishedName.TryParse"/> reads <c>tls_client_auth_subject_dn</c>; an
    /// accepted name must match itself, parse back from its <see cref="DistinguishedName.ToString"/> to an equal name
    /// with the same hash code, and expose every attribute through <see cref="DistinguishedName.GetValue"/>.
    /// </summary>
    /// <param name="data">The name (UTF-8; invalid sequences become U+FFFD).</param>
    public static void Dn(ReadOnlySpan<byte> data)
    {
        var text = LenientUtf8.GetString(data);
        if (!DistinguishedName.TryParse(text, out var name))
        {
            Check(!TryParseThrowing(text), "Parse throws FormatException exactly when TryParse refuses");
            return;
        }

        Check(TryParseThrowing(text), "Parse accepts what TryParse accepts");
        Check(name.Matches(name) && name.IsSubsetOf(name) && name.Equals(name), "a name matches itself");
        Check(name.RelativeNames.Count > 0 && name.RelativeNames.All(rdn => rdn.Attributes.Count > 0), "a parsed name has attributes in every RDN");
        foreach (var attribute in name.RelativeNames.SelectMany(rdn => rdn.Attributes))
        {
            Check(name.GetValue(attribute.Oid) is not null, "GetValue finds every attribute's OID");
        }

        // ToString escapes control characters as hex pairs (up to six characters for one), so a long name can format
        // past the parser's input limit; the round trip is promised only within it.
        var formatted = name.ToString();
        if (formatted.Length > DistinguishedNameParser.MaxLength)
        {
            return;
        }

        var detail = $"formatted: {Escape(formatted)}";
        Check(DistinguishedName.TryParse(formatted, out var reparsed), "ToString parses back", detail);
        detail += $"; reparsed: {Escape(reparsed!.ToString())}";
        Check(reparsed.Matches(name) && name.Matches(reparsed), "ToString parses back to an equal name", detail);
        Check(reparsed.GetHashCode() == name.GetHashCode(), "equal names have equal hash codes", detail);
        Check(reparsed.RelativeNames.Count == name.RelativeNames.Count, "ToString keeps the RDNs", detail);
    }

    /// <summary>
    /// A JWKS document, as <see cref="JwksResolver"/> reads a fetched <c>software_jwks_endpoint</c> (its
    /// <c>ParseKeySet</c> step), then <see cref="JwkSelector.Select"/> over the usable keys for each key's
    /// <c>kid</c>, no <c>kid</c>, and the common algorithms; a selected key must fit the request.
    /// </summary>
    /// <param name="data">The document.</param>
    public static void Jwks(ReadOnlySpan<byte> data)
    {
        var result = JwksResolver.Parse(data.ToArray());
        if (!result.Succeeded)
        {
            Check(!string.IsNullOrEmpty(result.Reason), "a refused key set has a reason");
            return;
        }

        var keys = result.Keys!;
        foreach (var key in keys)
        {
            Check(key.Kty is "RSA" or "EC", "only RSA and EC keys are usable");
            Check(key.D is null && key.P is null && key.Q is null, "no private material is kept");
        }

        var keyIds = keys.Select(k => k.KeyId).Append(null).Append(string.Empty).Append("unknown").Distinct().ToList();
        foreach (var keyId in keyIds)
        {
            foreach (var algorithm in Algorithms)
            {
                var selected = JwkSelector.Select(keys, keyId, algorithm);
                Check(!string.IsNullOrEmpty(JwkSelector.NotFoundReason(keyId)), "a lookup failure has a reason");
                if (selected is null)
                {
                    continue;
                }

                Check(keys.Contains(selected), "the selected key is one of the set");
                if (JwkSelector.NormalizeKeyId(keyId) is { } kid)
                {
                    Check(string.Equals(selected.KeyId, kid, StringComparison.Ordinal), "a kid selects a key with that kid");
                }
                else if (!string.IsNullOrEmpty(algorithm))
                {
                    Check(JwsVerifier.CheckKeyFits(selected, algorithm) is null, "without a kid, the selected key fits the algorithm");
                }
            }
        }
    }

    // Every claim of the header and payload with every typed read, as the validators do after verification (the
    // TPP signs the request with its own key, so every claim is attacker-controlled); then the SSA it carries.
    private static void ReadClaims(CompactJws jws)
    {
        Check(jws.Header.ValueKind == JsonValueKind.Object && jws.Payload.ValueKind == JsonValueKind.Object, "header and payload are objects");
        Check(!string.IsNullOrEmpty(jws.Algorithm), "an accepted token has an alg");
        foreach (var claims in new[] { jws.Header, jws.Payload })
        {
            foreach (var property in claims.EnumerateObject())
            {
                var name = property.Name;
                _ = ClaimReader.ReadString(claims, name, out _);
                _ = ClaimReader.ReadNumericDate(claims, name, out _);
                _ = ClaimReader.ReadBoolean(claims, name, out _);
                _ = ClaimReader.ReadStringArray(claims, name, out _);
                _ = ClaimReader.ReadStringOrArray(claims, name, out _);
            }
        }

        if (ClaimReader.ReadString(jws.Payload, "software_statement", out var ssa) == ClaimState.Present
            && CompactJws.TryParse(ssa, Options.RequestObject.MaxBodySize, out var statement, out _))
        {
            Check(JwsEncoding.IsBase64UrlCompact(ssa), "an accepted SSA is base64url compact for JwsEncoding too");
            ReadClaims(statement);
        }
    }

    private static bool TryParseThrowing(string text)
    {
        try
        {
            _ = DistinguishedName.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static void Check(bool condition, string invariant, string? detail = null)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(invariant, detail);
        }
    }

    // Non-ASCII and control characters as \uXXXX, for a readable log.
    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            _ = c is >= ' ' and <= '~' ? builder.Append(c) : builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }

        return builder.ToString();
    }

    private sealed class StaticOptionsMonitor(DcrOptions value) : IOptionsMonitor<DcrOptions>
    {
        public DcrOptions CurrentValue => value;

        public DcrOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<DcrOptions, string?> listener) => null;
    }

    // The resolver's own parsing step, without HTTP: ParseKeySet is what a fetched document goes through.
    private sealed class FuzzJwksResolver(IOptionsMonitor<DcrOptions> options)
        : JwksResolver(new NoHttpClientFactory(), options, TimeProvider.System, NullLogger<JwksResolver>.Instance)
    {
        public JwksFetchResult Parse(ReadOnlyMemory<byte> document) => ParseKeySet(document, JwksUri);
    }

    private sealed class NoHttpClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new NotSupportedException("The fuzz targets do not fetch.");
    }
}
