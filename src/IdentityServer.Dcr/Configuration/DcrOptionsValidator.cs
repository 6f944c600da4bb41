// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Tokens;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// Validates <see cref="DcrOptions"/> when the host starts (<c>ValidateOnStart</c>), so that a wrong setting stops
/// the host with a message naming the setting, and never reaches a request.
/// </summary>
public sealed class DcrOptionsValidator : IValidateOptions<DcrOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DcrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ValidateSoftwareStatement(options.SoftwareStatement, failures);
        ValidateRequestObject(options, failures);
        ValidateTransport(options.Transport, failures);
        ValidateJwks(options.Jwks, failures);
        ValidateRegistration(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSoftwareStatement(SoftwareStatementOptions options, List<string> failures)
    {
        if (options.TrustAnchors.Count == 0)
        {
            failures.Add(
                "Dcr:SoftwareStatement:TrustAnchors is empty: configure at least one trusted SSA issuer (for example the Open Banking Directory).");
        }

        var issuers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var anchor in options.TrustAnchors)
        {
            var prefix = $"Dcr:SoftwareStatement:TrustAnchors['{anchor.Issuer}']";
            if (string.IsNullOrWhiteSpace(anchor.Issuer))
            {
                failures.Add("Dcr:SoftwareStatement:TrustAnchors has an entry without Issuer.");
            }
            else if (anchor.Issuer.Length > 256)
            {
                failures.Add($"{prefix}: Issuer is longer than 256 characters.");
            }
            else if (!issuers.Add(anchor.Issuer))
            {
                failures.Add($"{prefix} is configured twice.");
            }

            var hasUri = anchor.JwksUri is not null;
            var hasInline = !string.IsNullOrWhiteSpace(anchor.Jwks);
            if (hasUri == hasInline)
            {
                failures.Add($"{prefix}: set exactly one of JwksUri and Jwks.");
            }
            else if (hasUri && (!anchor.JwksUri!.IsAbsoluteUri || anchor.JwksUri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{prefix}:JwksUri must be an absolute https URL.");
            }
            else if (hasInline && InlineJwksProblem(anchor.Jwks!) is { } problem)
            {
                failures.Add($"{prefix}:Jwks {problem}.");
            }

            CheckAlgorithms($"{prefix}:AllowedAlgorithms", anchor.AllowedAlgorithms, failures, allowEmpty: true);
        }

        CheckAlgorithms("Dcr:SoftwareStatement:AllowedAlgorithms", options.AllowedAlgorithms, failures);
        CheckNonNegative("Dcr:SoftwareStatement:MaxAge", options.MaxAge, failures);
        CheckNonNegative("Dcr:SoftwareStatement:ClockSkew", options.ClockSkew, failures);
        if (options.MaxLength is < 256 or > 1024 * 1024)
        {
            failures.Add("Dcr:SoftwareStatement:MaxLength must be between 256 and 1048576.");
        }
    }

    private static void ValidateRequestObject(DcrOptions options, List<string> failures)
    {
        var requestObject = options.RequestObject;
        CheckAlgorithms("Dcr:RequestObject:AllowedAlgorithms", requestObject.AllowedAlgorithms, failures);
        if (DcrOptionsAudiences.Get(options).Count == 0)
        {
            failures.Add("Dcr:RequestObject:AcceptedAudiences is empty and Dcr:Issuer is not set: registration requests' aud could never match.");
        }

        if (requestObject.MaxBodySize is < 1024 or > 1024 * 1024)
        {
            failures.Add("Dcr:RequestObject:MaxBodySize must be between 1024 and 1048576 bytes.");
        }

        if (options.Registration.MaxClientAssertionLifetime <= TimeSpan.Zero)
        {
            failures.Add("Dcr:Registration:MaxClientAssertionLifetime must be positive.");
        }

        if (requestObject.MaxAge <= TimeSpan.Zero)
        {
            failures.Add("Dcr:RequestObject:MaxAge must be positive.");
        }

        CheckNonNegative("Dcr:RequestObject:ClockSkew", requestObject.ClockSkew, failures);
    }

    private static void ValidateTransport(TransportOptions options, List<string> failures)
    {
        if (options.RequireClientCertificate && options.TrustedRoots.Count == 0)
        {
            failures.Add(
                "Dcr:Transport:TrustedRoots is empty while RequireClientCertificate is on: add the CA "
                + "certificates transport certificates must chain to (TrustedRootFiles in configuration).");
        }

        if (options.RevocationTimeout <= TimeSpan.Zero || options.RevocationTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Dcr:Transport:RevocationTimeout must be positive and at most one minute.");
        }

        CheckNonNegative("Dcr:Transport:RevocationCacheDuration", options.RevocationCacheDuration, failures);
        if (!Enum.IsDefined(options.RevocationMode)
            || options.RevocationMode == System.Security.Cryptography.X509Certificates.X509RevocationMode.Offline)
        {
            failures.Add("Dcr:Transport:RevocationMode must be Online (the default) or NoCheck.");
        }

        if (options.ForwardedCertificateHeader is not null && options.TrustedProxies.Count == 0)
        {
            failures.Add("Dcr:Transport:ForwardedCertificateHeader is set but TrustedProxies is empty: name the proxies allowed to set it.");
        }

        foreach (var proxy in options.TrustedProxies.Where(p => !System.Net.IPAddress.TryParse(p, out _)))
        {
            failures.Add($"Dcr:Transport:TrustedProxies: '{proxy}' is not an IP address.");
        }
    }

    private static void ValidateJwks(JwksOptions options, List<string> failures)
    {
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Dcr:Jwks:Timeout must be positive and at most one minute.");
        }

        if (options.MaxResponseSize is < 1024 or > 4 * 1024 * 1024)
        {
            failures.Add("Dcr:Jwks:MaxResponseSize must be between 1024 and 4194304 bytes.");
        }

        CheckNonNegative("Dcr:Jwks:CacheDuration", options.CacheDuration, failures);
        CheckNonNegative("Dcr:Jwks:MinRefreshInterval", options.MinRefreshInterval, failures);
        CheckNonNegative("Dcr:Jwks:MaxStaleness", options.MaxStaleness, failures);
        if (options.MaxCachedEntries < 1)
        {
            failures.Add("Dcr:Jwks:MaxCachedEntries must be at least 1.");
        }

        if (!NetworkAddressPolicy.TryParseNetworks(options.AllowedNetworks, out _, out var invalid))
        {
            failures.Add(
                $"Dcr:Jwks:AllowedNetworks: '{invalid}' is not a network in CIDR notation (for example 127.0.0.0/8 or ::1/128) or an IP address.");
        }

#pragma warning disable CS0618 // The replaced switch is read only to refuse it with a hint.
        if (options.AllowNonPublicAddresses)
#pragma warning restore CS0618
        {
            failures.Add(
                "Dcr:Jwks:AllowNonPublicAddresses has been replaced by Dcr:Jwks:AllowedNetworks: list the "
                + "networks TPP JWKS hosts may resolve to, for example 127.0.0.0/8 and ::1/128 for a sandbox on "
                + "one machine.");
        }
    }

    private static void ValidateRegistration(DcrOptions options, List<string> failures)
    {
        var registration = options.Registration;
        var version = options.SpecVersion;
        if (!Enum.IsDefined(version))
        {
            failures.Add($"Dcr:SpecVersion '{version}' is not one of {string.Join(", ", Enum.GetNames<DcrSpecVersion>())}.");
            return;
        }

        foreach (var method in registration.TokenEndpointAuthMethods)
        {
            if (method == "client_secret_jwt")
            {
                failures.Add(
                    "Dcr:Registration:TokenEndpointAuthMethods: client_secret_jwt is not supported (it would "
                    + "need the client secret kept in clear); use private_key_jwt.");
            }
            else if (!DcrSpecProfile.TokenEndpointAuthMethods.Contains(method))
            {
                failures.Add($"Dcr:Registration:TokenEndpointAuthMethods: '{method}' is not defined by the specification.");
            }
        }

        CheckSubset("Dcr:Registration:GrantTypes", registration.GrantTypes, DcrSpecProfile.GrantTypes(version), $"DCR {version}", failures);
        CheckSubset("Dcr:Registration:ResponseTypes", registration.ResponseTypes, DcrSpecProfile.ResponseTypes, "the specification", failures);
        CheckSubset(
            "Dcr:Registration:DefaultResponseTypes",
            registration.DefaultResponseTypes,
            [.. registration.ResponseTypes],
            "Dcr:Registration:ResponseTypes",
            failures);
        CheckSubset(
            "Dcr:Registration:BackchannelTokenDeliveryModes",
            registration.BackchannelTokenDeliveryModes,
            DcrSpecProfile.BackchannelTokenDeliveryModes,
            "the specification",
            failures);
        CheckAlgorithms("Dcr:Registration:TokenEndpointAuthSigningAlgorithms", registration.TokenEndpointAuthSigningAlgorithms, failures);
        CheckAlgorithms("Dcr:Registration:IdTokenSigningAlgorithms", registration.IdTokenSigningAlgorithms, failures);
        CheckAlgorithms("Dcr:Registration:RequestObjectSigningAlgorithms", registration.RequestObjectSigningAlgorithms, failures);
        CheckAlgorithms(
            "Dcr:Registration:BackchannelAuthenticationRequestSigningAlgorithms",
            registration.BackchannelAuthenticationRequestSigningAlgorithms,
            failures);
        if (options.Management.ForeignClientStatusCode is not (401 or 403))
        {
            failures.Add("Dcr:Management:ForeignClientStatusCode must be 401 or 403.");
        }

        if (registration.ClientSecretLifetime is { } lifetime && lifetime <= TimeSpan.Zero)
        {
            failures.Add("Dcr:Registration:ClientSecretLifetime must be positive when set.");
        }

        var authorization = options.Authorization;
        if (authorization.MaxRequestObjectLifetime <= TimeSpan.Zero || authorization.MaxRequestObjectLifetime > TimeSpan.FromMinutes(60))
        {
            failures.Add("Dcr:Authorization:MaxRequestObjectLifetime must be positive and at most 60 minutes (FAPI 1 Advanced 5.2.2-13).");
        }

        if (authorization.ClockSkew < TimeSpan.Zero || authorization.ClockSkew > TimeSpan.FromMinutes(10))
        {
            failures.Add("Dcr:Authorization:ClockSkew must be between 0 and 10 minutes.");
        }

        if (authorization.MaxRequestObjectLength < 1024)
        {
            failures.Add("Dcr:Authorization:MaxRequestObjectLength must be at least 1024.");
        }
    }

    private static void CheckAlgorithms(string setting, IList<string> algorithms, List<string> failures, bool allowEmpty = false)
    {
        if (algorithms.Count == 0 && !allowEmpty)
        {
            failures.Add($"{setting} is empty.");
        }

        foreach (var algorithm in algorithms)
        {
            if (!JwsVerifier.SupportedAlgorithms.Contains(algorithm))
            {
                failures.Add(
                    $"{setting}: '{algorithm}' is not accepted; use PS256, PS384, PS512, ES256, ES384 or ES512 "
                    + $"(none, HMAC and RSA PKCS#1 v1.5 are refused).");
            }
        }
    }

    private static void CheckSubset(string setting, IList<string> values, IReadOnlyList<string> allowed, string allowedBy, List<string> failures)
    {
        if (values.Count == 0)
        {
            failures.Add($"{setting} is empty.");
        }

        foreach (var value in values.Where(v => !allowed.Contains(v)))
        {
            failures.Add($"{setting}: '{value}' is not defined by {allowedBy}.");
        }
    }

    private static void CheckNonNegative(string setting, TimeSpan value, List<string> failures)
    {
        if (value < TimeSpan.Zero)
        {
            failures.Add($"{setting} must not be negative.");
        }
    }

    private static string? InlineJwksProblem(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array || keys.GetArrayLength() == 0)
            {
                return "must be a JWKS object with a non-empty keys array";
            }

            var usable = 0;
            var reasons = new List<string>();
            foreach (var key in keys.EnumerateArray())
            {
                if (key.ValueKind == JsonValueKind.Object && key.TryGetProperty("d", out _))
                {
                    return "holds a private key: configure the public keys only";
                }

                if (Jwks.JwkReader.TryRead(key, out _, out _, out var reason))
                {
                    usable++;
                }
                else
                {
                    reasons.Add(reason);
                }
            }

            return usable > 0 ? null : $"holds no usable public signing key ({string.Join("; ", reasons.Distinct())})";
        }
        catch (JsonException exception)
        {
            return $"is not valid JSON ({exception.Message})";
        }
    }
}
