// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Tpp.Http;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// What <c>get</c>, <c>update</c> and <c>delete</c> need (DCR 3.3 "GET, PUT and DELETE operations"): the client's
/// URL <c>{registration_endpoint}/{ClientId}</c>, a mutual-TLS connection with the transport certificate, and a
/// client-credentials access token sent as <c>Authorization: Bearer</c>.
/// </summary>
internal sealed class ClientSession : IDisposable
{
    private ClientSession(TppState state, X509Certificate2 certificate, BankClient client, Uri clientUrl, AuthenticationHeaderValue authorization)
    {
        State = state;
        Certificate = certificate;
        Client = client;
        ClientUrl = clientUrl;
        Authorization = authorization;
    }

    public TppState State { get; }

    /// <summary>The transport certificate presented on the connection.</summary>
    public X509Certificate2 Certificate { get; }

    public BankClient Client { get; }

    public Uri ClientUrl { get; }

    public AuthenticationHeaderValue Authorization { get; }

    public static async Task<ClientSession> OpenAsync(
        TppContext context,
        string? bank,
        string? registrationEndpoint,
        string? tokenEndpoint,
        CancellationToken ct)
    {
        var state = context.Store.Load();
        var clientId = state.ClientId ?? throw new TppException("no client_id: run 'obie-tpp register' first.");
        var certificate = context.LoadTransportCertificate(state);
        var client = context.CreateClient(certificate);
        try
        {
            var endpoint = registrationEndpoint ?? state.RegistrationEndpoint;
            if (endpoint is null)
            {
                var bankUri = TppContext.ResolveBank(bank, state.Bank);
                endpoint = (await EndpointResolver.ResolveRegistrationAsync(client, bankUri, null, context.Console, ct)).Endpoint.AbsoluteUri;
            }

            var token = await new TokenCommand(context)
                .EnsureAsync(client, state, new TokenOptions { Bank = bank, TokenEndpoint = tokenEndpoint }, ct);
            return new ClientSession(
                state,
                certificate,
                client,
                EndpointResolver.ClientUrl(endpoint, clientId),
                new AuthenticationHeaderValue("Bearer", token));
        }
        catch
        {
            client.Dispose();
            certificate.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Certificate.Dispose();
    }
}
