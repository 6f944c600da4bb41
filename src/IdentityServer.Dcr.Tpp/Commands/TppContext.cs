// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Tpp.Http;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>What every command shares: the console, the state directory, server trust and the clock.</summary>
internal sealed class TppContext(TppConsole console, StateStore store, bool insecure = false, string? caFile = null, TimeProvider? time = null)
{
    /// <summary>The demo host's address (its launch profile).</summary>
    public const string DefaultBank = "https://localhost:5443";

    public TppConsole Console { get; } = console;

    public StateStore Store { get; } = store;

    public bool Insecure { get; } = insecure;

    public string? CaFile { get; } = caFile;

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public BankClient CreateClient(X509Certificate2? clientCertificate)
    {
        if (Insecure)
        {
            Console.Warn("--insecure: any server certificate is trusted; use it only with the sandbox.");
        }

        return BankClient.Create(
            Console,
            new BankConnectionOptions { Insecure = Insecure, CaFile = CaFile, ClientCertificate = clientCertificate, Timeout = Timeout });
    }

    public SoftwareKey LoadSigningKey(TppState state)
        => SoftwareKey.FromPem(
            Store.ReadFile(state.SigningKeyFile),
            state.SigningAlgorithm,
            string.IsNullOrEmpty(state.SigningKeyId) ? null : state.SigningKeyId);

    /// <summary>The transport certificate with its private key, for mutual TLS.</summary>
    public X509Certificate2 LoadTransportCertificate(TppState state)
    {
        if (state.TransportCertificateFile is null || state.TransportKeyFile is null)
        {
            throw new TppException("no transport certificate: run 'obie-tpp sandbox enrol', or pass --transport-cert FILE --transport-key FILE.");
        }

        var certificatePem = Store.ReadFile(state.TransportCertificateFile);
        var keyPem = Store.ReadFile(state.TransportKeyFile);
        try
        {
            using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);

            // Through PKCS#12 so that the key is usable by the TLS stack on every platform (Windows refuses ephemeral keys).
            return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException ex)
        {
            throw new TppException(
                $"the transport certificate ({state.TransportCertificateFile}) and key ({state.TransportKeyFile}) cannot be used: {ex.Message}",
                ex);
        }
    }

    /// <summary>The bank's base URL: the option, else the state's, else the demo host.</summary>
    public static Uri ResolveBank(string? option, string? fromState)
    {
        var text = option ?? fromState ?? DefaultBank;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new TppException($"'{text}' is not an absolute https URL.");
    }

    public static Uri ParseUrl(string text, string what)
        => Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new TppException($"{what} '{text}' is not an absolute https URL.");
}
