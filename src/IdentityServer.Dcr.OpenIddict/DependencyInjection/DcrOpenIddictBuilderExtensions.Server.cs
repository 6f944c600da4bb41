// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.OpenIddict.Authentication;
using IdentityServer.Dcr.OpenIddict.Authorization;
using IdentityServer.Dcr.OpenIddict.Discovery;
using IdentityServer.Dcr.OpenIddict.Management;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation;

#pragma warning disable IDE0130 // DI extensions live in Microsoft.Extensions.DependencyInjection (house style §3.4).
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

public static partial class DcrOpenIddictBuilderExtensions
{
    static partial void AddServerIntegration(IServiceCollection services)
    {
        services.AddOptions<IdentityServer.Dcr.OpenIddict.DcrOpenIddictOptions>();
        services.AddDcrPipeline();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.AddEventHandler(DcrApplicationCacheHandlers.UseDescriptor);
                server.AddEventHandler(DcrApplicationCacheHandlers.ForgetDescriptor);
                server.AddEventHandler(RejectRepeatedParameters.TokenDescriptor);
                server.AddEventHandler(RejectRepeatedParameters.PushedAuthorizationDescriptor);
                server.AddEventHandler(ValidateDcrClientAuthentication.Descriptor);
                server.AddEventHandler(RequireClientCredentialsAuthentication.Descriptor);
                server.AddEventHandler(ApplyDcrClientAssertionParameters.Descriptor);
                server.AddEventHandler(AttachDcrClientAssertionTokenType.Descriptor);
                server.AddEventHandler(RejectReplayedDcrClientAssertion.Descriptor);
                server.AddEventHandler(HandleDcrClientCredentialsGrant.Descriptor);
                server.AddEventHandler(NormalizeDcrClientAssertionError.Descriptor);
                server.AddEventHandler(AttachDcrDiscoveryMetadata.Descriptor);
                server.AddEventHandler(ApplyDcrRequestObject.AuthorizationDescriptor);
                server.AddEventHandler(ApplyDcrRequestObject.PushedAuthorizationDescriptor);
                server.AddEventHandler(RedirectDcrAuthorizationError.Descriptor);
                server.AddEventHandler(AttachDcrIntentClaim.Descriptor);
                server.AddEventHandler(AttachDcrStateHash.Descriptor);
                server.AddEventHandler(SelectDcrIdentityTokenCredentials.Descriptor);
                server.AddEventHandler(AttachDcrRefreshToken.Descriptor);
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddEventHandler(AttachManagementCertificate.Descriptor);
            });

        // Token entries are checked when the server stores them (OpenIddict's default): revoked tokens and tokens of
        // deleted clients then fail. A bank that calls DisableTokenStorage() has none to check; management then relies
        // on the registration still existing (ManagementEndpoints answers 401 for a deleted client).
        services.AddSingleton<IPostConfigureOptions<OpenIddictValidationOptions>, DcrValidationOptionsPostConfigure>();

        // OpenIddict's secret and certificate checks stay for other clients; registered clients are authenticated
        // by ValidateDcrClientAuthentication (the application holds no secret, and OpenIddict's PKI rule matches
        // certificates to redirect URI host names, not to tls_client_auth_subject_dn).
        services.TryAddSingleton<RequireNonDcrClient>();
        services.AddSingleton<IPostConfigureOptions<OpenIddictServerOptions>, DcrServerOptionsPostConfigure>();
        services.TryAddScoped<IRegistrationAccessTokenValidator, OpenIddictRegistrationAccessTokenValidator>();
        services.TryAddScoped<IClientTokenRevoker, OpenIddictClientTokenRevoker>();
    }

    private sealed class DcrValidationOptionsPostConfigure(
        IOptionsMonitor<OpenIddictServerOptions> server) : IPostConfigureOptions<OpenIddictValidationOptions>
    {
        public void PostConfigure(string? name, OpenIddictValidationOptions options)
            => options.EnableTokenEntryValidation = !server.CurrentValue.DisableTokenStorage;
    }

    private sealed class DcrServerOptionsPostConfigure(IOptionsMonitor<DcrOptions> dcr) : IPostConfigureOptions<OpenIddictServerOptions>
    {
        public void PostConfigure(string? name, OpenIddictServerOptions options)
        {
            Filter(options, OpenIddictServerHandlers.ValidateClientSecret.Descriptor);
            Filter(options, OpenIddictServerHandlers.ValidateClientCertificate.Descriptor);
            if (dcr.CurrentValue.Registration.CertificateBoundAccessTokens)
            {
                options.UseClientCertificateBoundAccessTokens = true;
            }

            foreach (
                var scope in dcr.CurrentValue.Registration.ScopesForAllRoles.Concat(
                    dcr.CurrentValue.Registration.RoleScopes.Values.SelectMany(s => s)))
            {
                options.Scopes.Add(scope);
            }

            options.GrantTypes.Add(OpenIddict.Abstractions.OpenIddictConstants.GrantTypes.ClientCredentials);
        }

        private static void Filter(OpenIddictServerOptions options, OpenIddictServerHandlerDescriptor builtIn)
        {
            var index = options.Handlers.FindIndex(d => d.ServiceDescriptor.ServiceType == builtIn.ServiceDescriptor.ServiceType);
            if (index >= 0)
            {
                options.Handlers[index] = OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ProcessAuthenticationContext>()
                    .Import(options.Handlers[index])
                    .AddFilter<RequireNonDcrClient>()
                    .Build();
            }
        }
    }
}
