// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.CommandLine;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Cli;

/// <summary>The <c>obie-tpp</c> command line: verbs, options, and the mapping of each verb to its command class.</summary>
internal static class TppCommandLine
{
    private static readonly Option<string> Dir = new("--dir")
    {
        Description = "The state directory (keys, SSA, certificates, state.json).",
        DefaultValueFactory = _ => StateStore.DefaultDirectory,
        Recursive = true,
    };
    private static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print every HTTP exchange (private keys, client secrets and tokens redacted).",
        Recursive = true,
    };
    private static readonly Option<bool> Insecure = new("--insecure", "-k")
    {
        Description = "Trust any server certificate (the sandbox's self-signed TLS). Never for a real bank.",
        Recursive = true,
    };
    private static readonly Option<string?> CaFile = new("--ca-file")
    {
        Description = "A PEM file of CA certificates to trust in addition to the system's.",
        Recursive = true,
    };
    private static readonly Option<int> Timeout = new("--timeout")
    {
        Description = "HTTP time-out in seconds.",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    private static readonly Option<string?> Bank = new("--bank")
    {
        Description = $"The bank's base URL (default: the saved one, else {TppContext.DefaultBank}).",
    };
    private static readonly Option<string?> RegistrationEndpoint = new("--registration-endpoint")
    {
        Description = "The registration endpoint (default: discovery, else {bank}/register).",
    };
    private static readonly Option<string?> TokenEndpoint = new("--token-endpoint") { Description = "The token endpoint (default: discovery)." };
    private static readonly Option<string?> Audience = new("--audience")
    {
        Description = "The request's aud (default: the discovery issuer, else the bank URL).",
    };
    private static readonly Option<string?> AuthMethod = CreateAuthMethod();
    private static readonly Option<string?> Scope = new("--scope")
    {
        Description = "Space-separated scopes (default: openid plus the SSA roles' scopes).",
    };
    private static readonly Option<string[]> RedirectUris = new("--redirect-uri")
    {
        Description = "A redirect URI; repeat for more (default: the SSA's).",
    };
    private static readonly Option<string[]> GrantTypes = new("--grant-type")
    {
        Description = "A grant type; repeat for more (default: authorization_code client_credentials refresh_token).",
    };
    private static readonly Option<string[]> ResponseTypes = new("--response-type")
    {
        Description = "A response type to register; repeat for more (default: \"code id_token\").",
    };
    private static readonly Option<string?> ApplicationType = new("--application-type") { Description = "web (default) or mobile." };
    private static readonly Option<string> ContentType = CreateContentType();
    private static readonly Option<string?> SsaFile = new("--ssa")
    {
        Description = "Use (and remember) this software statement file instead of the sandbox's.",
    };
    private static readonly Option<string?> TransportCert = new("--transport-cert")
    {
        Description = "Use (and remember) this PEM transport certificate.",
    };
    private static readonly Option<string?> TransportKey = new("--transport-key") { Description = "The PEM private key of --transport-cert." };

    public static RootCommand Build()
    {
        var root = new RootCommand(
            "obie-tpp: register a TPP with an Open Banking UK bank by Dynamic Client Registration (DCR 3.3), "
            + "manage the client, and take a customer through consent (intent, authorization, code exchange).");
        root.Add(Dir);
        root.Add(Verbose);
        root.Add(Insecure);
        root.Add(CaFile);
        root.Add(Timeout);
        root.Add(InitCommandLine());
        root.Add(SandboxCommandLine());
        root.Add(RegisterCommandLine("register", "Build, sign and POST the registration request over mutual TLS; save the client_id."));
        root.Add(TokenCommandLine());
        root.Add(
            ClientCommandLine(
                "get",
                "GET {registration_endpoint}/{client_id} with a client-credentials token.",
                (c, o, ct) => new GetCommand(c).RunAsync(o, ct)));
        root.Add(RegisterCommandLine("update", "PUT the full signed request to {registration_endpoint}/{client_id}, changed where options say so."));
        root.Add(
            ClientCommandLine(
                "delete",
                "DELETE {registration_endpoint}/{client_id} and forget the client.",
                (c, o, ct) => new DeleteCommand(c).RunAsync(o, ct)));
        root.Add(ConsentCommandLine());
        root.Add(AuthorizeCommandLine());
        root.Add(ExchangeCommandLine());
        root.Add(JwksCommandLine());
        return root;
    }

    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct)
        => Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);

    private static Command InitCommandLine()
    {
        var softwareId = new Option<string?>("--software-id") { Description = "The software_id (default: a random Base62 id of 22 characters)." };
        var orgId = new Option<string?>("--org-id") { Description = "The org_id (default: 0015800001 and 8 random characters)." };
        var alg = new Option<string>("--alg") { Description = "PS256 (RSA 2048) or ES256 (P-256).", DefaultValueFactory = _ => "PS256" };
        alg.AcceptOnlyFromAmong("PS256", "ES256");
        var key = new Option<string?>("--key") { Description = "Import this PEM private key instead of generating one." };
        var kid = new Option<string?>("--kid") { Description = "The key's kid (default: its RFC 7638 JWK thumbprint)." };
        var force = new Option<bool>("--force") { Description = "Start again in an initialised directory (replaces the signing key)." };
        var command = new Command("init", "Create the software signing key and the state file.") { softwareId, orgId, alg, key, kid, force };
        command.SetAction((result, ct) => RunAsync(result, context => new InitCommand(context).RunAsync(
            new InitOptions
            {
                SoftwareId = result.GetValue(softwareId),
                OrganisationId = result.GetValue(orgId),
                Algorithm = result.GetValue(alg) ?? "PS256",
                KeyFile = result.GetValue(key),
                KeyId = result.GetValue(kid),
                Force = result.GetValue(force),
            },
            ct)));
        return command;
    }

    private static Command SandboxCommandLine()
    {
        var clientName = new Option<string?>("--client-name") { Description = "The SSA's software_client_name." };
        var enrol = new Command("enrol", "Publish the JWKS, get an SSA and a transport certificate from the demo host's sandbox.")
        {
            Bank,
            RedirectUris,
            clientName,
        };
        enrol.Aliases.Add("enroll");
        enrol.SetAction((result, ct) => RunAsync(result, context => new SandboxEnrolCommand(context).RunAsync(
            new SandboxEnrolOptions
            {
                Bank = result.GetValue(Bank),
                RedirectUris = result.GetValue(RedirectUris) ?? [],
                ClientName = result.GetValue(clientName),
            },
            ct)));
        return new Command("sandbox", "The demo host's sandbox directory (Development only).") { enrol };
    }

    private static Command RegisterCommandLine(string name, string description)
    {
        var command = new Command(name, description)
        {
            Bank, RegistrationEndpoint, TokenEndpoint, Audience, AuthMethod, Scope, RedirectUris, GrantTypes, ResponseTypes,
            ApplicationType, ContentType, SsaFile, TransportCert, TransportKey,
        };
        command.SetAction((result, ct) => RunAsync(result, async context =>
        {
            var options = new RegisterOptions
            {
                Bank = result.GetValue(Bank),
                RegistrationEndpoint = result.GetValue(RegistrationEndpoint),
                TokenEndpoint = result.GetValue(TokenEndpoint),
                Audience = result.GetValue(Audience),
                AuthMethod = result.GetValue(AuthMethod),
                Scope = result.GetValue(Scope),
                RedirectUris = result.GetValue(RedirectUris) ?? [],
                GrantTypes = result.GetValue(GrantTypes) ?? [],
                ResponseTypes = result.GetValue(ResponseTypes) ?? [],
                ApplicationType = result.GetValue(ApplicationType),
                ContentType = result.GetValue(ContentType) ?? "application/jose",
                SoftwareStatementFile = result.GetValue(SsaFile),
                TransportCertificateFile = result.GetValue(TransportCert),
                TransportKeyFile = result.GetValue(TransportKey),
            };
            if (name == "update")
            {
                await new UpdateCommand(context).RunAsync(options, ct);
            }
            else
            {
                await new RegisterCommand(context).RunAsync(options, ct);
            }
        }));
        return command;
    }

    private static Command TokenCommandLine()
    {
        var scope = new Option<string>("--scope")
        {
            Description = "The scope to ask for (default: none; DCR needs none).",
            DefaultValueFactory = _ => "",
        };
        var command = new Command("token", "Get a client-credentials access token (private_key_jwt or tls_client_auth) and save it.")
        {
            Bank,
            TokenEndpoint,
            scope,
            AuthMethod,
        };
        command.SetAction((result, ct) => RunAsync(result, context => new TokenCommand(context).RunAsync(
            new TokenOptions
            {
                Bank = result.GetValue(Bank),
                TokenEndpoint = result.GetValue(TokenEndpoint),
                Scope = result.GetValue(scope) ?? "",
                AuthMethod = result.GetValue(AuthMethod),
            },
            ct)));
        return command;
    }

    private static Command ClientCommandLine(string name, string description, Func<TppContext, ClientOptions, CancellationToken, Task> run)
    {
        var command = new Command(name, description) { Bank, RegistrationEndpoint, TokenEndpoint };
        command.SetAction((result, ct) => RunAsync(result, context => run(
            context,
            new ClientOptions
            {
                Bank = result.GetValue(Bank),
                RegistrationEndpoint = result.GetValue(RegistrationEndpoint),
                TokenEndpoint = result.GetValue(TokenEndpoint),
            },
            ct)));
        return command;
    }

    private static Command ConsentCommandLine()
    {
        var permissions = new Option<string[]>("--permissions")
        {
            Description = $"OB Read/Write 3.1 permissions, comma-separated (default: {string.Join(',', ConsentOptions.DefaultPermissions)}).",
        };
        var expires = new Option<string?>("--expires")
        {
            Description = "The consent's ExpirationDateTime, ISO 8601 (such as 2030-12-31T00:00:00+00:00; default: none).",
        };
        var command = new Command(
            "consent",
            "Create an account-access consent (intent) with a client-credentials token over mutual TLS; save its ConsentId.")
        {
            Bank,
            TokenEndpoint,
            permissions,
            expires,
        };
        command.SetAction((result, ct) => RunAsync(result, context => new ConsentCommand(context).RunAsync(
            new ConsentOptions
            {
                Bank = result.GetValue(Bank),
                TokenEndpoint = result.GetValue(TokenEndpoint),
                Permissions = result.GetValue(permissions) ?? [],
                ExpirationDateTime = result.GetValue(expires),
            },
            ct)));
        return command;
    }

    private static Command AuthorizeCommandLine()
    {
        var consent = new Option<string?>("--consent") { Description = "The ConsentId to authorise (default: the one 'consent' saved)." };
        var responseType = new Option<string?>("--response-type")
        {
            Description = "\"code id_token\" (the OBIE hybrid flow) or code (default: the registered one).",
        };
        responseType.AcceptOnlyFromAmong("code id_token", "code");
        var par = new Option<bool>("--par")
        {
            Description = "Push the request object to the pushed_authorization_request_endpoint (RFC 9126; the default when the bank has one).",
        };
        var noPar = new Option<bool>("--no-par") { Description = "Send the request object by value in the authorization URL." };
        var redirectUri = new Option<string?>("--redirect-uri") { Description = "The redirect URI (default: the first registered one)." };
        var scope = new Option<string?>("--scope") { Description = $"Space-separated scopes (default: \"{AuthorizeOptions.DefaultScope}\")." };
        var command = new Command(
            "authorize",
            "Sign a request object for the consent, push it (PAR) or send it by value, and print the URL to open in a browser.")
        {
            Bank,
            consent,
            responseType,
            par,
            noPar,
            redirectUri,
            scope,
        };
        command.Aliases.Add("authorise");
        command.Validators.Add(result =>
        {
            if (result.GetValue(par) && result.GetValue(noPar))
            {
                result.AddError("--par and --no-par cannot be used together.");
            }
        });
        command.SetAction((result, ct) => RunAsync(result, context => new AuthorizeCommand(context).RunAsync(
            new AuthorizeOptions
            {
                Bank = result.GetValue(Bank),
                ConsentId = result.GetValue(consent),
                ResponseType = result.GetValue(responseType),
                Push = result.GetValue(par) ? true : result.GetValue(noPar) ? false : null,
                RedirectUri = result.GetValue(redirectUri),
                Scope = result.GetValue(scope),
            },
            ct)));
        return command;
    }

    private static Command ExchangeCommandLine()
    {
        var url = new Argument<string>("url") { Description = "The URL the browser was redirected to (quote it), or just its fragment or query." };
        var command = new Command(
            "exchange",
            "Check the bank's redirect (state, ID token), exchange the code for tokens over mutual TLS, verify "
            + "and save them.") { url, Bank, TokenEndpoint };
        command.SetAction((result, ct) => RunAsync(result, context => new ExchangeCommand(context).RunAsync(
            new ExchangeOptions
            {
                RedirectedUrl = result.GetValue(url) ?? "",
                Bank = result.GetValue(Bank),
                TokenEndpoint = result.GetValue(TokenEndpoint),
            },
            ct)));
        return command;
    }

    private static Command JwksCommandLine()
    {
        var command = new Command("jwks", "Print the public JWKS of the software signing key (to publish with a directory).");
        command.SetAction((result, ct) => RunAsync(result, context =>
        {
            var state = context.Store.Load();
            using var key = context.LoadSigningKey(state);
            context.Console.Out.WriteLine(key.PublicJwks().ToJsonString());
            return Task.CompletedTask;
        }));
        return command;
    }

    private static Task<int> RunAsync(ParseResult result, Func<TppContext, Task> action)
    {
        var console = new TppConsole(result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, result.GetValue(Verbose));
        var context = new TppContext(
            console,
            new StateStore(result.GetValue(Dir) ?? StateStore.DefaultDirectory),
            result.GetValue(Insecure),
            result.GetValue(CaFile))
        {
            Timeout = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(Timeout), 1, 600)),
        };
        return ErrorHandling.RunAsync(console, () => action(context));
    }

    private static Option<string?> CreateAuthMethod()
    {
        var option = new Option<string?>("--auth-method")
        {
            Description = "token_endpoint_auth_method: private_key_jwt (default) or tls_client_auth.",
        };
        option.AcceptOnlyFromAmong(AuthMethods.PrivateKeyJwt, AuthMethods.TlsClientAuth, AuthMethods.ClientSecretBasic, AuthMethods.ClientSecretPost);
        return option;
    }

    private static Option<string> CreateContentType()
    {
        var option = new Option<string>("--content-type")
        {
            Description = "The request's media type.",
            DefaultValueFactory = _ => "application/jose",
        };
        option.AcceptOnlyFromAmong("application/jose", "application/jwt", "application/json");
        return option;
    }
}
