using MesaLab.Cli;

return Cli.Run(args);
