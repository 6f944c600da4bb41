// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// Derives defaults after configuration binding: fills empty lists with their documented defaults and loads
/// <see cref="TransportOptions.TrustedRootFiles"/>.
/// </summary>
public sealed class DcrOptionsPostConfigure : IPostConfigureOptions<DcrOptions>
{
    /// <inheritdoc />
    public void PostConfigure(string? name, DcrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Fill(options.SoftwareStatement.AllowedAlgorithms, "PS256", "ES256");
        Fill(options.RequestObject.AllowedAlgorithms, "PS256", "ES256");

        var registration = options.Registration;
        Fill(registration.TokenEndpointAuthMethods, "private_key_jwt", "tls_client_auth");
        Fill(registration.TokenEndpointAuthSigningAlgorithms, "PS256", "ES256");
        Fill(registration.GrantTypes, "authorization_code", "client_credentials", "refresh_token");
        Fill(registration.ResponseTypes, "code", "code id_token");
        Fill(registration.DefaultResponseTypes, "code id_token");
        Fill(registration.IdTokenSigningAlgorithms, "PS256", "ES256");
        Fill(registration.RequestObjectSigningAlgorithms, "PS256", "ES256");
        Fill(registration.BackchannelAuthenticationRequestSigningAlgorithms, "PS256", "ES256");
        Fill(registration.BackchannelTokenDeliveryModes, "poll", "ping");
        Fill(registration.ScopesForAllRoles, "openid");
        if (registration.RoleScopes.Count == 0)
        {
            registration.RoleScopes["AISP"] = ["accounts"];
            registration.RoleScopes["PISP"] = ["payments"];
            registration.RoleScopes["CBPII"] = ["fundsconfirmations"];
        }

        foreach (var file in options.Transport.TrustedRootFiles)
        {
            foreach (var certificate in LoadCertificates(file))
            {
                if (!options.Transport.TrustedRoots.Any(c => c.Thumbprint == certificate.Thumbprint))
                {
                    options.Transport.TrustedRoots.Add(certificate);
                }
            }
        }
    }

    private static void Fill(IList<string> list, params string[] defaults)
    {
        if (list.Count == 0)
        {
            foreach (var value in defaults)
            {
                list.Add(value);
            }
        }
    }

    private static X509Certificate2Collection LoadCertificates(string path)
    {
        try
        {
            var collection = new X509Certificate2Collection();
            if (File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal))
            {
                collection.ImportFromPemFile(path);
            }
            else
            {
                collection.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }

            return collection.Count > 0
                ? collection
                : throw new InvalidOperationException($"Dcr:Transport:TrustedRootFiles: '{path}' holds no certificate.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException(
                $"Dcr:Transport:TrustedRootFiles: '{path}' could not be read as a PEM or DER certificate: {exception.Message}",
                exception);
        }
    }
}
