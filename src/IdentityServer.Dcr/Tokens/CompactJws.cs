// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace IdentityServer.Dcr.Tokens;

/// <summary>
/// A compact JWS split into its parts and its header and payload parsed as JSON objects, before any signature
/// check (phase one of two-phase validation: read the header, find the key, then verify).
/// </summary>
internal sealed class CompactJws
{
    // Header parameters that name or carry a key. Keys are never taken from a token itself.
    private static readonly string[] KeyCarryingHeaders = ["jku", "jwk", "x5u", "x5c"];

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    private CompactJws(string token, JsonElement header, JsonElement payload, string algorithm, string? keyId)
    {
        Token = token;
        Header = header;
        Payload = payload;
        Algorithm = algorithm;
        KeyId = keyId;
    }

    /// <summary>The compact serialisation.</summary>
    public string Token { get; }

    /// <summary>The protected header (a JSON object).</summary>
    public JsonElement Header { get; }

    /// <summary>The payload (a JSON object). Unverified until a verifier says otherwise.</summary>
    public JsonElement Payload { get; }

    /// <summary>The <c>alg</c> header.</summary>
    public string Algorithm { get; }

    /// <summary>The <c>kid</c> header, when present.</summary>
    public string? KeyId { get; }

    /// <summary>Parses a compact JWS. Never throws on malformed input.</summary>
    /// <param name="token">The token.</param>
    /// <param name="maxLength">The largest token accepted, checked before anything else.</param>
    /// <param name="jws">The parsed token.</param>
    /// <param name="error">Why the token is malformed, fit for an error description.</param>
    /// <returns>Whether the token is a well-formed, signed compact JWS with JSON object header and payload.</returns>
    public static bool TryParse(string? token, int maxLength, [NotNullWhen(true)] out CompactJws? jws, [NotNullWhen(false)] out string? error)
    {
        jws = null;
        if (string.IsNullOrWhiteSpace(token))
        {
            error = "is empty";
            return false;
        }

        if (token.Length > maxLength)
        {
            error = $"is longer than {maxLength} characters";
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length == 5)
        {
            error = "is a JWE; only signed JWS (three parts) are accepted";
            return false;
        }

        if (parts.Length != 3)
        {
            error = "is not a compact JWS (three base64url parts separated by dots)";
            return false;
        }

        if (parts[2].Length == 0)
        {
            error = "is unsigned (alg none is not accepted)";
            return false;
        }

        // RFC 7515 §2 and §7.1: base64url without padding. Standard base64 ('+', '/', '=') is refused in every part,
        // the signature included, so that no two encodings of one token are accepted.
        foreach (var part in parts)
        {
            if (!JwsEncoding.IsBase64UrlPart(part))
            {
                error = "is not base64url-encoded without padding (RFC 7515)";
                return false;
            }
        }

        if (!TryDecodeObject(parts[0], out var header))
        {
            error = "has a header that is not a base64url-encoded JSON object";
            return false;
        }

        if (!TryDecodeObject(parts[1], out var payload))
        {
            error = "has a payload that is not a base64url-encoded JSON object";
            return false;
        }

        if (!header.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(alg.GetString()))
        {
            error = "has no alg header";
            return false;
        }

        var algorithm = alg.GetString()!;
        if (string.Equals(algorithm, "none", StringComparison.OrdinalIgnoreCase))
        {
            error = "is unsigned (alg none is not accepted)";
            return false;
        }

        if (header.TryGetProperty("enc", out _))
        {
            error = "is a JWE; only signed JWS are accepted";
            return false;
        }

        foreach (var name in KeyCarryingHeaders)
        {
            if (header.TryGetProperty(name, out _))
            {
                error = $"carries a '{name}' header; keys are never taken from the token, so it is refused";
                return false;
            }
        }

        if (header.TryGetProperty("crit", out _))
        {
            error = "has a 'crit' header naming extensions this server does not understand";
            return false;
        }

        string? keyId = null;
        if (header.TryGetProperty("kid", out var kid))
        {
            if (kid.ValueKind != JsonValueKind.String)
            {
                error = "has a kid header that is not a string";
                return false;
            }

            keyId = kid.GetString();
        }

        jws = new CompactJws(token, header, payload, algorithm, keyId);
        error = null;
        return true;
    }

    private static bool TryDecodeObject(string segment, out JsonElement element)
    {
        element = default;
        if (segment.Length == 0)
        {
            return false;
        }

        var maxBytes = Base64Url.GetMaxDecodedLength(segment.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            if (Base64Url.DecodeFromChars(segment, buffer, out var consumed, out var written) != OperationStatus.Done || consumed != segment.Length)
            {
                return false;
            }

            // System.Text.Json validates UTF-8 and escapes only when a string is read, and then throws
            // InvalidOperationException: refuse ill-formed UTF-8 here and ill-formed UTF-16 escapes (lone surrogates)
            // with JsonStrings, so that no later read of a claim can throw (RFC 7493 I-JSON: strings must be valid Unicode).
            var utf8 = buffer.AsSpan(0, written);
            if (!Utf8.IsValid(utf8))
            {
                return false;
            }

            // Duplicate member names are refused: two parsers must never read different values from one token.
            using var document = JsonDocument.Parse(buffer.AsMemory(0, written), DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (!JsonStrings.AreWellFormed(document.RootElement))
            {
                return false;
            }

            var obj = document.RootElement.Clone();
            element = obj;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // The duplicate-name check unescapes names and throws for a lone surrogate escape.
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
