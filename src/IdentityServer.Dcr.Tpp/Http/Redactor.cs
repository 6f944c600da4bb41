// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace IdentityServer.Dcr.Tpp.Http;

/// <summary>
/// Hides secrets in what <c>--verbose</c> prints: private keys (PEM blocks, the private members of JWKs, a
/// <c>private_key_pem</c> field), client secrets, and bearer credentials (access, refresh and registration access
/// tokens, the <c>Authorization</c> header), of which only the first characters are kept so that two runs can be told apart.
/// </summary>
internal static partial class Redactor
{
    public const string Mask = "[redacted]";

    private static readonly HashSet<string> SecretFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "client_secret", "private_key_pem", "private_key", "password",
    };

    private static readonly HashSet<string> TokenFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "access_token", "refresh_token", "registration_access_token", "id_token", "code_verifier",
    };

    // The private members of RSA and EC JWKs (RFC 7518 §6.2.2, §6.3.2) and the symmetric key of an "oct" JWK.
    private static readonly HashSet<string> PrivateJwkMembers = new(StringComparer.Ordinal) { "d", "p", "q", "dp", "dq", "qi", "oth", "k" };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Header(string name, string value)
    {
        if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase))
        {
            // A bearer token keeps its first characters; Basic credentials (client_id:secret) are masked whole.
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return space > 0 && value[..space].Equals("Bearer", StringComparison.OrdinalIgnoreCase)
                ? value[..(space + 1)] + Token(value[(space + 1)..])
                : (space > 0 ? value[..(space + 1)] : "") + Mask;
        }

        return value;
    }

    /// <summary>Redacts a body: JSON by field, form bodies by parameter, and PEM private keys in any text.</summary>
    public static string Body(string body, string? mediaType)
    {
        if (body.Length == 0)
        {
            return body;
        }

        if (mediaType?.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Form(body);
        }

        var trimmed = body.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                var node = JsonNode.Parse(body);
                if (node is not null)
                {
                    return Json(node).ToJsonString(Indented);
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to the text rules.
            }
        }

        return PemBlocks(body);
    }

    /// <summary>Returns a redacted copy of <paramref name="node"/>.</summary>
    public static JsonNode Json(JsonNode node)
    {
        var copy = node.DeepClone();
        Walk(copy);
        return copy;
    }

    public static string PemBlocks(string text)
        => PrivateKeyPem().Replace(text, m => $"-----BEGIN {m.Groups[1].Value}PRIVATE KEY-----{Mask}-----END {m.Groups[1].Value}PRIVATE KEY-----");

    private static string Token(string token) => token.Length <= 12 ? Mask : token[..8] + "…" + Mask;

    private static string Form(string body)
    {
        var parts = body.Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var name = Uri.UnescapeDataString(parts[i][..equals]);
            if (SecretFields.Contains(name))
            {
                parts[i] = parts[i][..(equals + 1)] + Mask;
            }
            else if (TokenFields.Contains(name))
            {
                parts[i] = parts[i][..(equals + 1)] + Token(Uri.UnescapeDataString(parts[i][(equals + 1)..]));
            }
        }

        return string.Join('&', parts);
    }

    private static void Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var isJwk = obj.ContainsKey("kty");
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    var value = obj[name];
                    if (SecretFields.Contains(name) || (isJwk && PrivateJwkMembers.Contains(name)))
                    {
                        obj[name] = Mask;
                    }
                    else if (TokenFields.Contains(name) && value is JsonValue tokenValue && tokenValue.TryGetValue<string>(out var token))
                    {
                        obj[name] = Token(token);
                    }
                    else if (value is JsonValue text
                        && text.TryGetValue<string>(out var s)
                        && s.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                    {
                        obj[name] = PemBlocks(s);
                    }
                    else
                    {
                        Walk(value);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue text && text.TryGetValue<string>(out var s) && s.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                    {
                        array[i] = PemBlocks(s);
                    }
                    else
                    {
                        Walk(array[i]);
                    }
                }

                break;
        }
    }

    [GeneratedRegex(
        @"-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY-----.*?-----END \1PRIVATE KEY-----",
        RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyPem();
}
