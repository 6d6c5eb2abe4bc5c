import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Promote version 6.0.1 of podinfo into prod',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'pipelines:promote',
          name: 'Promote',
          input: {
            entityRef: 'component:default/podinfo',
            environment: 'prod',
            version: '6.0.1',
          },
        },
      ],
    }),
  },
  {
    description: 'Promote by pipeline reference, on a named management cluster',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'pipelines:promote',
          name: 'Promote',
          input: {
            pipeline: 'management:flux-system/podinfo-02',
            environment: 'test',
            version: '6.0.1',
          },
        },
      ],
    }),
  },
];
