// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text.Json;
using Jose;

namespace IdentityServer.Dcr.Tokens;

/// <summary>
/// Verifies a compact JWS with a known key and an expected algorithm (phase two of two-phase validation). The
/// only place where jose-jwt exceptions are caught: they become a failure reason, never an exception.
/// </summary>
internal static class JwsVerifier
{
    /// <summary>The JWS algorithms the engine can verify. Anything else is refused before jose-jwt sees it.</summary>
    public static readonly IReadOnlySet<string> SupportedAlgorithms = new HashSet<string>(StringComparer.Ordinal)
    {
        "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    };

    private const int MinimumRsaKeySize = 2048;

    /// <summary>Checks that <paramref name="key"/> can verify <paramref name="algorithm"/>, without verifying anything.</summary>
    /// <param name="key">The public key.</param>
    /// <param name="algorithm">The token's <c>alg</c>.</param>
    /// <returns>Why the key does not fit, or <see langword="null"/> when it does.</returns>
    public static string? CheckKeyFits(Jwk key, string algorithm)
    {
        if (key.Alg is { Length: > 0 } keyAlg && !string.Equals(keyAlg, algorithm, StringComparison.Ordinal))
        {
            return $"the key is for {keyAlg}, not {algorithm}";
        }

        if (key.Use is { Length: > 0 } use && !string.Equals(use, "sig", StringComparison.Ordinal))
        {
            return "the key is not a signing key (use is not 'sig')";
        }

        if (algorithm.StartsWith("PS", StringComparison.Ordinal))
        {
            if (!string.Equals(key.Kty, "RSA", StringComparison.Ordinal))
            {
                return $"{algorithm} needs an RSA key";
            }

            var modulusBits = Base64UrlLength(key.N) * 8;
            return modulusBits < MinimumRsaKeySize ? $"the RSA key is shorter than {MinimumRsaKeySize} bits" : null;
        }

        if (algorithm.StartsWith("ES", StringComparison.Ordinal))
        {
            var curve = algorithm switch
            {
                "ES256" => "P-256",
                "ES384" => "P-384",
                _ => "P-521",
            };
            return string.Equals(key.Kty, "EC", StringComparison.Ordinal) && string.Equals(key.Crv, curve, StringComparison.Ordinal)
                ? null
                : $"{algorithm} needs an EC key on curve {curve}";
        }

        return $"the algorithm {algorithm} is not supported";
    }

    /// <summary>Verifies the signature of <paramref name="jws"/>.</summary>
    /// <param name="jws">The parsed token.</param>
    /// <param name="key">The public key.</param>
    /// <param name="allowedAlgorithms">The algorithms accepted for this kind of token.</param>
    /// <param name="failure">Why verification failed; <see langword="null"/> on success.</param>
    /// <returns>Whether the signature is valid.</returns>
    public static bool TryVerify(CompactJws jws, Jwk key, ICollection<string> allowedAlgorithms, out string? failure)
    {
        if (!allowedAlgorithms.Contains(jws.Algorithm) || !SupportedAlgorithms.Contains(jws.Algorithm)
            || !Enum.TryParse<JwsAlgorithm>(jws.Algorithm, ignoreCase: false, out var expected))
        {
            failure = $"the algorithm {DcrErrorDescriptions.Truncate(jws.Algorithm)} is not accepted";
            return false;
        }

        failure = CheckKeyFits(key, jws.Algorithm);
        if (failure is not null)
        {
            return false;
        }

        try
        {
            JWT.Verify(jws.Token, key, expected);
            return true;
        }
        catch (IntegrityException)
        {
            failure = "the signature is invalid";
        }
        catch (InvalidAlgorithmException)
        {
            failure = $"the algorithm {jws.Algorithm} does not match the key";
        }
        catch (JoseException)
        {
            failure = "the signature could not be verified";
        }
        catch (CryptographicException)
        {
            failure = "the key could not be used to verify the signature";
        }
        catch (ArgumentException)
        {
            failure = "the token could not be verified";
        }
        catch (FormatException)
        {
            failure = "the token could not be decoded";
        }
        catch (JsonException)
        {
            // jose-jwt reads the header again into a dictionary and fails on what JsonDocument accepts (a number
            // beyond decimal, for example); the signature was not checked, so the token is refused.
            failure = "the token's header could not be read";
        }

        return false;
    }

    private static int Base64UrlLength(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        var length = value.TrimEnd('=').Length * 3 / 4;

        // Ignore a leading zero byte some encoders add to keep the integer positive.
        return value.StartsWith("AA", StringComparison.Ordinal) ? length - 1 : length;
    }
}
